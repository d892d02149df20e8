import ArgumentParser
import CrierCore
import CrierServer
import CrierStore
import Foundation

/// `crier reminders preview|run`: what would go out, and one scheduler pass (for cron).
struct RemindersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reminders", abstract: "Inspect and run the SMS scheduler.", subcommands: [Preview.self, Run.self])

    struct Preview: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the messages due by a time (nothing is sent).")
        @OptionGroup var db: DatabaseOptions
        @Option(help: "RFC 3339 time, e.g. 2026-12-05T18:00:00Z (default: now).") var at: String?
        @Option(help: "Most rows to list.") var limit = 1000

        func run() async throws {
            let moment: Date
            if let at {
                guard let parsed = EventTime.rfc3339(at) else { throw ValidationError("--at must be RFC 3339 with an offset, e.g. 2026-12-05T18:00:00Z") }
                moment = parsed
            } else {
                moment = SystemClock().now()
            }
            let limit = limit
            let due = try await db.withStore { store in
                try await store.migrate()
                return try await store.dispatch.due(by: moment, limit: limit)
            }
            if due.isEmpty { note("nothing due by \(EventTime.rfc3339(moment, in: TimeZone(identifier: "UTC")!))") }
            for m in due {
                print([String(m.id), m.kind.rawValue, m.scheduledFor.map { EventTime.rfc3339($0, in: TimeZone(identifier: "UTC")!) } ?? "-",
                       m.to, m.bookingId.map { "booking \($0)" } ?? "-"].joined(separator: "\t"))
            }
        }
    }

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send what is due now.")
        @OptionGroup var db: DatabaseOptions
        @Flag(help: "One pass, then exit (the only mode: for cron).") var once = false
        @Option(name: .customLong("public-url"), help: "Base URL for provider status callbacks (env CRIER_PUBLIC_URL).")
        var publicURL: String?

        func run() async throws {
            guard once else { throw ValidationError("use --once (crier serve runs the scheduler continuously)") }
            let url = publicURL ?? ProcessInfo.processInfo.environment["CRIER_PUBLIC_URL"]
            let report = try await withPlugins { host in
                try await db.withStore { store in
                    try await store.migrate()
                    let dispatcher = try Dispatcher(
                        store: store, providers: providers(host), settings: try DispatchOptions.settings(ProcessInfo.processInfo.environment),
                        publicURL: url, logger: Logging.make())
                    return try await dispatcher.runUntilIdle()
                }
            }
            print("claimed \(report.claimed): sent \(report.sent), withdrawn \(report.withdrawn), failed \(report.failed), "
                + "retried \(report.retried), postponed \(report.postponed), unknown \(report.unknown), settled \(report.settled)")
        }
    }
}
