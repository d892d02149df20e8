import Dispatch
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#endif

/// Runs the application until SIGTERM or SIGINT, then shuts it down within a bound: in-flight
/// requests and the scheduler's texts in flight get most of it, the rest is cancelled, and if
/// anything still hangs (a database that never answers) the process exits anyway 9 s after the
/// signal. An orchestrator's kill after its own grace period never has to come.
public enum BoundedShutdown {
    public static func run(_ app: some Service, logger: Logger) async throws {
        // A second listener for the same signals: it only arms the last-resort exit.
        let watchdogs = [SIGTERM, SIGINT].map { signal -> any DispatchSourceSignal in
            let source = DispatchSource.makeSignalSource(signal: signal, queue: .global())
            source.setEventHandler {
                DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(9_000)) {
                    // _exit: no atexit handlers or flushes that a stuck thread could hold up.
                    let line = "crier: shutdown did not finish within 9 s; exiting now\n"
                    _ = line.withCString { write(2, $0, strlen($0)) }
                    _exit(1)
                }
                source.cancel()
            }
            source.resume()
            return source
        }
        defer { for source in watchdogs { source.cancel() } }
        var configuration = ServiceGroupConfiguration(
            services: [.init(service: app)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        // Past 7 s the services are cancelled. No cancellation limit: ServiceLifecycle would crash
        // the process on it; the watchdog above is the last word instead.
        configuration.maximumGracefulShutdownDuration = .seconds(7)
        try await ServiceGroup(configuration: configuration).run()
    }
}
