import Foundation
import Logging
import Synchronization

/// Logs a failure once per burst: the first of a kind is logged with its error; the same kind
/// again within `window` is only counted, and the count goes out with the next line logged for
/// it. A full disk or a database outage fails every request and every pass; an operator needs
/// one line saying so, not sixty thousand.
public final class TroubleLog: Sendable {
    let logger: Logger
    let window: TimeInterval
    private let bursts = Mutex<[String: (loggedAt: Date, since: Int)]>([:])

    public init(logger: Logger, window: TimeInterval = 30) {
        self.logger = logger
        self.window = window
    }

    /// Reports a failure of kind `what` (a fixed sentence, the burst's key).
    public func report(_ what: String, error: any Error, metadata: Logger.Metadata = [:]) {
        let now = Date()
        let repeated: Int? = bursts.withLock { bursts in
            if let burst = bursts[what], now.timeIntervalSince(burst.loggedAt) < window {
                bursts[what]?.since += 1
                return nil
            }
            let since = bursts[what]?.since ?? 0
            bursts[what] = (now, 0)
            return since
        }
        guard let repeated else { return }
        var metadata = metadata
        metadata["error"] = "\(error)"
        if repeated > 0 { metadata["repeated"] = "\(repeated) more since the last line like this" }
        logger.error("\(what) (the same failure again within \(Int(window)) s is counted, not logged)", metadata: metadata)
    }

    /// Says a kind of failure has stopped, if it had been reported.
    public func recovered(_ what: String) {
        let ended = bursts.withLock { $0.removeValue(forKey: what) }
        if let ended { logger.notice("recovered: \(what)", metadata: ["repeated": "\(ended.since)"]) }
    }
}
