/// Lets one dispatch pass run at a time in a process: the scheduler's passes and the test clock's
/// steps take turns, so a clock moved mid-pass never strands a pass's claims in the past.
actor DispatchGate {
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// Runs `body` when no other pass is running; passes run in the order they asked.
    func serialized<T: Sendable>(_ body: @Sendable () async throws -> T) async rethrows -> T {
        if busy {
            await withCheckedContinuation { waiting.append($0) }
        } else {
            busy = true
        }
        defer {
            if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
        }
        return try await body()
    }
}
