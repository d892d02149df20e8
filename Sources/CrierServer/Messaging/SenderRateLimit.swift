import CrierCore
import Foundation
import Synchronization

/// A token bucket per sender: at most `rate` messages a second, bursts up to `burst`. Time comes
/// from the injected clock, so tests drive it without sleeping.
final class SenderRateLimit: Sendable {
    let rate: Double
    let burst: Double
    let clock: any Clock
    private let buckets = Mutex<[String: (tokens: Double, at: Date)]>([:])

    init(rate: Double, burst: Double, clock: any Clock) {
        self.rate = rate
        self.burst = burst
        self.clock = clock
    }

    /// Takes a token for `sender`; nil when one was free, else how long until one will be.
    func take(_ sender: String) -> TimeInterval? {
        let now = clock.now()
        return buckets.withLock { buckets in
            var bucket = buckets[sender] ?? (burst, now)
            bucket.tokens = min(burst, bucket.tokens + now.timeIntervalSince(bucket.at) * rate)
            bucket.at = now
            defer { buckets[sender] = bucket }
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                return nil
            }
            return (1 - bucket.tokens) / rate
        }
    }
}
