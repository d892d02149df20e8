import Synchronization

/// Bounds how long the caller waits for some work: past the deadline the caller goes on with a
/// fallback (or an error) while the work is cancelled and left to end in its own time. A task
/// group would wait for a child that ignores cancellation (a stuck connection, a provider that
/// never answers); this never does, so one stuck call can't hold up whatever waits behind it.
public enum Deadline {
    /// The work's result, or `fallback` if it is not done within `seconds`.
    /// `giveUp`, checked every 100 ms, ends the wait early (shutting down).
    public static func run<T: Sendable>(seconds: Double, orElse fallback: T, giveUp: (@Sendable () -> Bool)? = nil,
                                        _ work: @escaping @Sendable () async -> T) async -> T {
        let result: Result<T, Never> = await race(seconds: seconds, giveUp: giveUp, timedOut: { .success(fallback) }) { .success(await work()) }
        return result.get()
    }

    /// The work's result or error, or `error()` thrown if it is not done within `seconds`.
    public static func run<T: Sendable>(seconds: Double, orThrow error: @escaping @Sendable () -> any Error,
                                        _ work: @escaping @Sendable () async throws -> T) async throws -> T {
        let result: Result<T, any Error> = await race(seconds: seconds, giveUp: nil, timedOut: { .failure(error()) }) {
            do { return .success(try await work()) } catch { return .failure(error) }
        }
        return try result.get()
    }

    private static func race<T: Sendable, E: Error>(seconds: Double, giveUp: (@Sendable () -> Bool)?, timedOut: @escaping @Sendable () -> Result<T, E>,
                                                  _ work: @escaping @Sendable () async -> Result<T, E>) async -> Result<T, E> {
        let race = Race<Result<T, E>>()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Result<T, E>, Never>) in
                race.waiting(c)
                // The timer first, so work that ends at once finds it to cancel.
                race.setTimer(Task {
                    if let giveUp {
                        let end = ContinuousClock.now + .milliseconds(Int(max(0, seconds) * 1000))
                        while ContinuousClock.now < end, !giveUp(), !Task.isCancelled {
                            try? await Task.sleep(for: min(.milliseconds(100), ContinuousClock.now.duration(to: end)))
                        }
                    } else {
                        try? await Task.sleep(for: .milliseconds(Int(max(0, seconds) * 1000)))
                    }
                    if Task.isCancelled { return }
                    race.finish(timedOut(), cancelling: .work)
                })
                race.setWork(Task {
                    race.finish(await work(), cancelling: .timer)
                })
                if Task.isCancelled { race.finish(timedOut(), cancelling: .work) }
            }
        } onCancel: {
            // A cancelled caller (shutting down) doesn't wait for work that ignores cancellation.
            race.finish(timedOut(), cancelling: .work)
        }
    }
}

/// The state of one `Deadline` race: who is waiting, and the two tasks racing.
private final class Race<Value: Sendable>: Sendable {
    enum Loser { case work, timer }
    private let state = Mutex<(waiter: CheckedContinuation<Value, Never>?, work: Task<Void, Never>?, timer: Task<Void, Never>?)>((nil, nil, nil))

    func waiting(_ c: CheckedContinuation<Value, Never>) { state.withLock { $0.waiter = c } }
    func setTimer(_ task: Task<Void, Never>) { state.withLock { $0.timer = task } }
    func setWork(_ task: Task<Void, Never>) { state.withLock { $0.work = task } }

    /// The first to finish resumes the waiter and cancels the other; later finishes do nothing.
    func finish(_ value: Value, cancelling loser: Loser) {
        let (waiter, other) = state.withLock { s -> (CheckedContinuation<Value, Never>?, Task<Void, Never>?) in
            defer { s.waiter = nil }
            return (s.waiter, loser == .work ? s.work : s.timer)
        }
        guard let waiter else { return }
        waiter.resume(returning: value)
        other?.cancel()
    }
}
