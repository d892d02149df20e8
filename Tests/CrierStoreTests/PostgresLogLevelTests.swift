import Logging
import Synchronization
import Testing

@testable import CrierStore

/// postgres-nio's failed connection attempts reach an operator logging at warning; its other
/// chatter stays below the level they chose.
struct PostgresLogLevelTests {
    final class Lines: Sendable {
        let all = Mutex<[(Logger.Level, String)]>([])
    }

    struct Capture: LogHandler {
        let lines: Lines
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) { lines.all.withLock { $0.append((event.level, "\(event.message)")) } }
    }

    @Test
    func connectionFailuresAreWarningsAndTheRestKeepsItsLevel() {
        let lines = Lines()
        var operators = Logger(label: "crier") { _ in Capture(lines: lines) }
        operators.logLevel = .warning
        let postgres = PostgresLogLevels.raising(operators)
        postgres.debug("Creating new connection")
        postgres.info("Connection creation failed", metadata: ["psql_error": "connection refused"])
        postgres.info("Connection closed")
        postgres.error("Query failed", metadata: ["psql_error": "syntax"])
        let seen = lines.all.withLock { $0 }
        #expect(seen.map(\.0) == [.warning, .error])
        #expect(seen.map(\.1) == ["Connection creation failed", "Query failed"])
    }
}
