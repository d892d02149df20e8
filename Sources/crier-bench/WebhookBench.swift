import ArgumentParser
import AsyncHTTPClient
import Foundation

/// Signed Twilio inbound webhooks under wrk on loopback, against the real `crier serve` in the
/// configuration users run (every built-in plugin, the scheduler running), beside the Flask peer
/// in the same run; the plugin-free server and a bare route are comparisons only.
struct WebhookBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhooks", abstract: "Inbound Twilio webhooks under load (wrk): requests/s, latency, projection lag, memory.")
    @Option(help: "wrk connections.") var connections = 32
    @Option(help: "wrk threads.") var threads = 2
    @Option(help: "Seconds of load.") var seconds = 10
    @Option(help: "Distinct signed requests prepared (each MessageSid new; wrk wraps around if it sends more).") var requests = 200_000
    @Option(help: "Known customers the texts come from.") var customers = 1_000
    @Option(name: .customLong("run"), parsing: .singleValue,
            help: "What to load: default (every plugin), plugin-free (CRIER_PLUGINS=twilio), peer (Flask), bare (a route that only answers). Repeatable; default: default, peer, plugin-free.")
    var runs: [WebhookTarget] = []
    @Option(help: "Admin URL of a PostgreSQL server: also run the Crier configurations on it (a scratch database each).")
    var postgres: String?
    @Option(help: "Rounds of every run (the closing figures are three).") var rounds = 1
    @Option(help: "The Flask peer's app.") var peerScript = "scripts/bench/flask_peer.py"

    func run() async throws {
        let wrk = try WrkResult.executable()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("crier-webhooks-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let load = try WebhookLoad.prepare(count: requests, customers: customers, threads: threads, in: dir)
        let targets = runs.isEmpty ? [.default, .peer, .pluginFree] : runs
        let wrkArguments = ["-t\(threads)", "-c\(connections)", "-d\(seconds)s", "--latency", "-s", load.script.path]
        print("webhooks: signed Twilio inbound texts from \(customers) known customers (2% STOP/START), wrk -t\(threads) -c\(connections) -d\(seconds)s on loopback")
        print(WebhookFigures.header)
        var all: [[WebhookFigures]] = []
        for round in 1...max(1, rounds) {
            var figures: [WebhookFigures] = []
            for target in targets {
                for engine in target.engines(postgres: postgres) {
                    let context = WebhookRunContext(
                        wrk: wrk, arguments: wrkArguments, load: load, dir: dir.appendingPathComponent("r\(round)-\(target.rawValue)-\(engine.name)"),
                        customers: customers, http: .shared)
                    try FileManager.default.createDirectory(at: context.dir, withIntermediateDirectories: true)
                    var row = try await target.measure(engine: engine, context: context, peerScript: peerScript)
                    row.command = command(target, engine)
                    print(row.line)
                    figures.append(row)
                }
            }
            all.append(figures)
        }
        print("")
        for (i, figures) in all.enumerated() { print(WebhookBudget.summary(round: i + 1, figures)) }
        print("\nEach row again: its command (from the package root, after `swift build -c release`):")
        var seen: Set<String> = []
        for row in all.flatMap({ $0 }) where seen.insert(row.command).inserted { print("  \(row.label): \(row.command)") }
    }

    func command(_ target: WebhookTarget, _ engine: WebhookEngine) -> String {
        var parts = [".build/release/crier-bench webhooks --run \(target.rawValue)"]
        if connections != 32 { parts.append("--connections \(connections)") }
        if seconds != 10 { parts.append("--seconds \(seconds)") }
        guard case .postgres = engine else { return parts.joined(separator: " ") }
        // A throwaway PostgreSQL 15 with its default settings (fsync on).
        parts.append("--postgres \"$CRIER_TEST_POSTGRES_URL\"")
        return "CRIER_PG_DEFAULTS=1 scripts/with-postgres bash -c '" + parts.joined(separator: " ") + "'"
    }
}

/// What one webhook run shares with the others: wrk, its arguments, the prepared requests.
struct WebhookRunContext {
    let wrk: String
    let arguments: [String]
    let load: WebhookLoad
    let dir: URL
    let customers: Int
    let http: HTTPClient
}

/// Where the Crier configurations keep their data.
enum WebhookEngine {
    case sqlite
    case postgres(admin: String)
    /// The peer and the bare route have a store of their own (or none).
    case none

    var name: String {
        switch self {
        case .sqlite: return "sqlite"
        case .postgres: return "postgres"
        case .none: return "-"
        }
    }
}
