import CrierCore
import Logging
import NIOSSL
import PostgresKit
import PostgresNIO
import SQLKit

/// The scale-out engine: a pooled `PostgresClient`; transactions on one leased connection.
public final class PostgresEngine: DatabaseEngine {
    public let kind = EngineKind.postgres
    private let client: PostgresClient
    private let logger: Logger

    /// Builds the client; `run()` must be running before queries are made.
    public init(
        host: String, port: Int, user: String, password: String?, database: String, requireTLS: Bool,
        maxConnections: Int = 20, logger: Logger
    ) {
        var config = PostgresClient.Configuration(
            host: host, port: port, username: user, password: password, database: database,
            tls: requireTLS ? .require(.makeClientConfiguration()) : .disable)
        config.options.maximumConnections = maxConnections
        config.options.minimumConnections = 0
        // Nothing waits forever: connecting, a statement, a lock, an abandoned transaction.
        config.options.connectTimeout = .seconds(3)
        config.options.additionalStartupParameters = [
            // Generous server-side backstops (migrations and imports run long statements); the
            // client's own deadline is what callers feel.
            ("statement_timeout", "60000"), ("lock_timeout", "30000"), ("idle_in_transaction_session_timeout", "120000"),
        ]
        client = PostgresClient(configuration: config, backgroundLogger: PostgresLogLevels.raising(logger))
        self.logger = logger
    }

    /// Every call, waiting for a connection included, ends within its deadline: a server
    /// that went away mid-query must not hold its caller, or every caller queued behind it.
    public func read<T: Sendable>(deadline: Double, _ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await bounded(deadline) { [client, logger] in
            try await client.withConnection { connection in
                try await body(connection.sql(queryLogLevel: nil, logger: logger))
            }
        }
    }

    public func transaction<T: Sendable>(deadline: Double, _ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await bounded(deadline) { [client, logger] in
            do {
                return try await client.withTransaction(logger: logger) { connection in
                    try await body(connection.sql(queryLogLevel: nil, logger: logger))
                }
            } catch let error as PostgresTransactionError {
                // Callers handle their own errors (not found, conflict...), not postgres-nio's wrapper.
                if let cause = error.closureError { throw cause }
                throw error
            }
        }
    }

    public func probe(deadline: Double) async throws {
        try await bounded(deadline) { [client, logger] in
            try await client.withConnection { connection in
                try await ReadinessProbe.write(connection.sql(queryLogLevel: nil, logger: logger))
            }
        }
    }

    private func bounded<T: Sendable>(_ seconds: Double, _ work: @escaping @Sendable () async throws -> T) async throws -> T {
        do {
            return try await Deadline.run(seconds: seconds, orThrow: { StoreUnavailable(.timeout, detail: "no answer within \(seconds) s") }, work)
        } catch {
            throw StoreUnavailable.classify(error) ?? error
        }
    }

    public func run() async { await client.run() }

    public func shutdown() async {}

    public func isUniqueViolation(_ error: any Error) -> Bool {
        guard let psql = error as? PSQLError else { return false }
        return psql.serverInfo?[.sqlState] == "23505"
    }
}
