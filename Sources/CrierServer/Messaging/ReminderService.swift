import Logging
import ServiceLifecycle

/// The scheduler inside `crier serve`: every poll interval it sends what is due. Each pass costs
/// O(due) (an index on status and due time), not O(bookings), and claims are safe with several
/// instances, so every instance can run one. On graceful shutdown the pass under way finishes
/// the texts it has in flight (within the dispatcher's shutdown grace) and claims no more.
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
        await withGracefulShutdownHandler {
            await cancelWhenGracefulShutdown {
                while !Task.isCancelled && !dispatcher.isStopping {
                    // Its own task: shutdown cancels the wait between passes, never a pass midway
                    // (that would strand handed-off texts without their outcomes).
                    let pass = Task { try await dispatcher.runUntilIdle() }
                    switch await pass.result {
                    case .success(let report):
                        if report.claimed > 0 || report.unknown > 0 || report.settled > 0 {
                            logger.info("dispatched", metadata: [
                                "claimed": "\(report.claimed)", "sent": "\(report.sent)", "withdrawn": "\(report.withdrawn)",
                                "failed": "\(report.failed)", "retried": "\(report.retried)", "postponed": "\(report.postponed)",
                                "unknown": "\(report.unknown)", "settled": "\(report.settled)"])
                        }
                    case .failure(let error):
                        dispatcher.trouble.report("dispatch pass failed; will retry", error: error)
                    }
                    // The poll cadence is wall time; what is due is decided by the injected clock.
                    try? await Task.sleep(for: interval)
                }
            }
        } onGracefulShutdown: {
            dispatcher.stop()
        }
    }
}
