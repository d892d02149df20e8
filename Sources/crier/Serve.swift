import ArgumentParser
import CrierCore
import CrierServer
import CrierStore
import Foundation
import Hummingbird
import Prometheus

/// `crier serve`: migrate, prepare the first run, then serve HTTP until SIGTERM/SIGINT.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the server (the default command).")

    @OptionGroup var db: DatabaseOptions

    @Option(help: "Port to listen on (env CRIER_PORT).")
    var port: Int?

    @Option(help: "Address to listen on (env CRIER_HOST).")
    var host: String?

    @Option(name: .customLong("public-url"), help: "Base URL people and providers reach this server at (env CRIER_PUBLIC_URL).")
    var publicURL: String?

    @Option(name: .customLong("poll-interval"), help: "Seconds between scheduler passes (env CRIER_POLL_INTERVAL, default 2).")
    var pollInterval: Double?

    @Flag(name: .customLong("test-clock"), help: "Take every 'now' from a clock moved by POST /api/v1/test-clock, and answer 500 for a page whose template looks outside its view (for tests only).")
    var testClock = false

    func run() async throws {
        let env = ProcessInfo.processInfo.environment
        let port = try port ?? env["CRIER_PORT"].map { text in
            guard let n = Int(text) else { throw ValidationError("CRIER_PORT must be a number, not '\(text)'") }
            return n
        } ?? 8080
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        let poll = try pollInterval ?? env["CRIER_POLL_INTERVAL"].map { text in
            guard let n = Double(text) else { throw ValidationError("CRIER_POLL_INTERVAL must be a number of seconds, not '\(text)'") }
            return n
        } ?? 2
        guard poll > 0, poll <= 3600 else { throw ValidationError("--poll-interval must be between 0 and 3600 seconds") }
        let settings = ServerSettings(
            host: host ?? env["CRIER_HOST"] ?? "0.0.0.0", port: port, publicURL: publicURL ?? env["CRIER_PUBLIC_URL"],
            pollInterval: .milliseconds(Int(poll * 1000)))
        if let problem = PortCheck.problem(host: settings.host, port: settings.port) {
            note("error: \(problem)")
            throw ExitCode(1)
        }
        let manualClock = testClock ? ManualClock(SystemClock().now()) : nil
        let timezone = env["CRIER_TIMEZONE"] ?? "Europe/London"
        let region = env["CRIER_REGION"] ?? "GB"
        let logger = Logging.make()
        try await withPlugins(clock: manualClock ?? SystemClock()) { host in try await db.withStore(clock: manualClock ?? SystemClock()) { running in
            let registry = PrometheusCollectorRegistry()
            let store = running.observed(by: DatabaseMetrics(registry: registry))
            if try store.keyring.ensure().created, case .file(let path) = store.keyring.source {
                logger.notice("created the secret key file \(path) (mode 0600): provider secrets are encrypted with it; back it up apart from the database")
            }
            let outcome = try await FirstRun(store: store).prepare(timezone: timezone, region: region)
            try await host.migrate(store)
            logger.info("plugins loaded: \(host.ids.isEmpty ? "none" : host.ids.joined(separator: ", "))")
            if outcome.venueCreated {
                logger.info("created venue 'default' (\(outcome.venue.timezone)); rename it in settings or with the API")
            }
            // Which build answers, for dashboards comparing instances mid-deploy.
            registry.makeGauge(
                descriptor: .init(namespace: "crier", metricName: "build", unitName: "info", helpText: "The running build: always 1, with its version and git revision"),
                labels: [("version", CrierVersion.number), ("revision", buildRevision)]
            ).set(Int64(1))
            let dispatcher = try Dispatcher(
                store: store, providers: providers(host), settings: try DispatchOptions.settings(env), publicURL: settings.publicURL, logger: logger,
                registry: registry)
            if manualClock != nil { logger.warning("test clock on: time moves only through POST /api/v1/test-clock") }
            let app = try CrierServer.application(
                store: store, settings: settings, registry: registry, dispatcher: dispatcher, testClock: manualClock, plugins: host,
                logger: logger
            ) { port in
                var base = settings
                base.port = port
                say("Crier is listening on \(base.baseURL) (database: \(store.engine.kind.rawValue))")
                if let token = outcome.setupToken {
                    say("""

                        No admin account yet. Open this one-time link to create the first one (valid 24 hours):
                            \(base.baseURL)/setup/\(token)
                        or run: crier admin create --email you@example.com --password '...'

                        """)
                }
            }
            try await BoundedShutdown.run(app, logger: logger)
        } }
    }
}
