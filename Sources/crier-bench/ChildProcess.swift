import Foundation
import Synchronization

/// The programs the benchmarks start (wrk, the Flask peer, `crier serve`), waited for without
/// holding a thread: Foundation's `waitUntilExit` spins a core on Linux, and a blocked
/// cooperative thread is half of this machine's Swift concurrency.
enum ChildProcess {
    /// Runs `path` to its end, its standard output into `output` when given; returns its exit
    /// status. One still running after `deadline` is killed and the run fails.
    @discardableResult
    static func run(
        _ path: String, _ args: [String], environment: [String: String]? = nil, output: FileHandle? = nil, deadline: Duration = .seconds(300)
    ) async throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = args
        if let environment { process.environment = environment }
        if let output { process.standardOutput = output }
        let killed = Atomic<Bool>(false)
        let overdue = Task {
            try await Task.sleep(for: deadline)
            if process.isRunning {
                killed.store(true, ordering: .relaxed)
                kill(process.processIdentifier, SIGKILL)
            }
        }
        defer { overdue.cancel() }
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            process.terminationHandler = { _ in done.resume() }
            do { try process.run() } catch { done.resume(throwing: error) }
        }
        if killed.load(ordering: .relaxed) { throw BenchFailure("\(path) was still running after \(deadline) and was killed") }
        return process.terminationStatus
    }

    /// SIGTERM (a graceful stop), then SIGKILL if it has not exited within `grace`.
    static func stop(_ process: Process, grace: Duration) async {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = ContinuousClock.now + grace
        while process.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
