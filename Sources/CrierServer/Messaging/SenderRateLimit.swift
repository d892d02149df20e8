import Foundation
import Synchronization

/// A token bucket per sender: at most `rate` messages a second, bursts up to `burst`. A text over
/// the limit waits for its token where it stands instead of being put back in the queue, so a
/// backlog never lets a later text of someone's overtake an earlier one. The bucket runs on real
/// time (it paces real provider calls), which `Timing` lets tests replace.
final class SenderRateLimit: Sendable {
    /// Where the bucket's time comes from and how it waits.
    struct Timing: Sendable {
        /// Seconds on a monotonic clock.
        var now: @Sendable () -> Double
        var sleep: @Sendable (Double) async -> Void

        static let real = Timing(
            now: { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 },
            sleep: { seconds in try? await Task.sleep(for: .milliseconds(Int((seconds * 1000).rounded(.up)))) })
    }

    let rate: Double
    let burst: Double
    let timing: Timing
    private let buckets = Mutex<[String: (tokens: Double, at: Double)]>([:])

    init(rate: Double, burst: Double, timing: Timing = .real) {
        self.rate = rate
        self.burst = max(1, burst)
        self.timing = timing
    }

    /// Takes a token for `sender`; nil when one was free, else how long until one will be.
    func take(_ sender: String) -> Double? {
        let now = timing.now()
        return buckets.withLock { buckets in
            var bucket = buckets[sender] ?? (burst, now)
            bucket.tokens = min(burst, bucket.tokens + (now - bucket.at) * rate)
            bucket.at = now
            defer { buckets[sender] = bucket }
            // A hair short of a whole token counts as one: rounding must not leave a waiter
            // asking for ever-smaller waits that never move the clock.
            if bucket.tokens >= 1 - 1e-9 {
                bucket.tokens = max(0, bucket.tokens - 1)
                return nil
            }
            return max(0.001, (1 - bucket.tokens) / rate)
        }
    }

    /// Waits until `sender` has a token and takes it; false if `deadline` (seconds from now) would
    /// pass first, in which case nothing is taken.
    func wait(for sender: String, deadline: Double) async -> Bool {
        let until = timing.now() + deadline
        while true {
            guard let wait = take(sender) else { return true }
            if timing.now() + wait > until || Task.isCancelled { return false }
            await timing.sleep(wait)
        }
    }
}
