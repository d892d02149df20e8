import Logging
import ServiceLifecycle

/// The scheduler inside `crier serve`: every poll interval it sends what is due. Each pass costs
/// O(due) (an index on status and due time), not O(bookings), and claims are safe with several
/// instances, so every instance can run one.
public struct ReminderService: Service {
    let dispatcher: Dispatcher
    let interval: Duration
    let logger: Logger

    public init(dispatcher: Dispatcher, interval: Duration, logger: Logger) {
        self.dispatcher = dispatcher
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let report = try await dispatcher.runUntilIdle()
                    if report.claimed > 0 || report.unknown > 0 {
                        logger.info("dispatched", metadata: ["claimed": "\(report.claimed)", "sent": "\(report.sent)",
                                                             "withdrawn": "\(report.withdrawn)", "failed": "\(report.failed)",
                                                             "retried": "\(report.retried)", "postponed": "\(report.postponed)",
                                                             "unknown": "\(report.unknown)"])
                    }
                } catch {
                    logger.error("dispatch pass failed; will retry", metadata: ["error": "\(error)"])
                }
                // The poll cadence is wall time; what is due is decided by the injected clock.
                try? await Task.sleep(for: interval)
            }
        }
    }
}
