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
/// anything still hangs (a database that never answers) the process exits anyway when the bound
/// is reached. An orchestrator's kill after its own grace period never has to come.
public enum BoundedShutdown {
    /// From the signal to the process's end, at most.
    public static let limit: Duration = .milliseconds(9_500)

    public static func run(_ app: some Service, logger: Logger) async throws {
        // A second listener for the same signals: it only arms the last-resort exit.
        let watchdogs = [SIGTERM, SIGINT].map { signal -> any DispatchSourceSignal in
            let source = DispatchSource.makeSignalSource(signal: signal, queue: .global())
            source.setEventHandler {
                DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(9_500)) {
                    logger.error("shutdown did not finish within 9.5 s; exiting now")
                    exit(1)
                }
                source.cancel()
            }
            source.resume()
            return source
        }
        defer { for source in watchdogs { source.cancel() } }
        var configuration = ServiceGroupConfiguration(
            services: [.init(service: app)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        configuration.maximumGracefulShutdownDuration = .seconds(8)
        configuration.maximumCancellationDuration = .seconds(1)
        try await ServiceGroup(configuration: configuration).run()
    }
}
