import Logging
import SQLKit
import Synchronization

/// SQLite's single writer, committing queued transactions in batches: one `BEGIN IMMEDIATE ...
/// COMMIT` (one fsync) for every transaction waiting, each inside its own savepoint so one that
/// fails rolls back alone. A caller hears back only after its batch is durable. One transaction at
/// a time per connection is SQLite's rule; the batch is what makes it fast (DESIGN.md section 10).
final class GroupCommit: Sendable {
    /// One queued transaction, its result type erased.
    struct Job: Sendable {
        /// Runs the body inside the batch; returns the body's error, if any.
        let run: @Sendable (any SQLDatabase) async -> (any Error)?
        /// Told the final outcome once the batch has committed (nil) or failed (the error).
        let finish: @Sendable ((any Error)?) -> Void
        /// Whether it may still run: a caller whose deadline passed while it waited in the queue
        /// takes it back, so an answered timeout is never followed by a write.
        let phase: JobPhase
    }

    private struct State {
        var queue: [Job] = []
        var draining = false
    }

    private let state = Mutex(State())
    private let database: @Sendable () -> any SQLDatabase
    private let logger: Logger
    /// Where batches run (nil: the shared pool).
    private let executor: (any TaskExecutor)?
    /// Most transactions in one batch: bounds how long the first waiter waits.
    let maxBatch: Int
    /// Whether the connection is inside a transaction (SQLite may have rolled back by itself).
    private let inTransaction: @Sendable () -> Bool
    /// Where failures are logged, once per burst.
    let trouble: TroubleLog?

    init(maxBatch: Int = 256, logger: Logger, executor: (any TaskExecutor)? = nil, trouble: TroubleLog? = nil,
         inTransaction: @escaping @Sendable () -> Bool = { true }, database: @escaping @Sendable () -> any SQLDatabase) {
        self.maxBatch = maxBatch
        self.executor = executor
        self.logger = logger
        self.trouble = trouble ?? TroubleLog(logger: logger)
        self.inTransaction = inTransaction
        self.database = database
    }

    /// Queues `body` and returns its result once it is committed. A transaction still waiting in
    /// the queue after `deadline` seconds (the writer stuck on a lock, a full disk, a slow batch)
    /// is taken out and fails with `StoreUnavailable`: it never runs after its caller gave up.
    func transaction<T: Sendable>(deadline: Double = StoreDeadlines.call, _ body: @escaping @Sendable (any SQLDatabase) async throws -> T)
        async throws -> T
    {
        let result = Mutex<T?>(nil)
        let phase = JobPhase()
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let timer = Task {
                try? await Task.sleep(for: .milliseconds(Int(deadline * 1000)))
                if !Task.isCancelled, phase.abandon() {
                    continuation.resume(throwing: StoreUnavailable(.timeout, detail: "waited \(deadline) s for the writer"))
                }
            }
            let job = Job(
                run: { db in
                    do {
                        let value = try await body(db)
                        result.withLock { $0 = value }
                        return nil
                    } catch {
                        return error
                    }
                },
                finish: { error in
                    timer.cancel()
                    if let error { continuation.resume(throwing: error) }
                    else { continuation.resume(returning: result.withLock { $0! }) }
                },
                phase: phase)
            let startDrain = state.withLock { s -> Bool in
                s.queue.append(job)
                if s.draining { return false }
                s.draining = true
                return true
            }
            if startDrain { Task(executorPreference: executor) { await self.drain() } }
        }
    }

    private func drain() async {
        while true {
            let batch = state.withLock { s -> [Job] in
                let batch = Array(s.queue.prefix(maxBatch))
                s.queue.removeFirst(batch.count)
                if batch.isEmpty { s.draining = false }
                return batch
            }
            if batch.isEmpty { return }
            await commit(batch)
        }
    }

    private func commit(_ queued: [Job]) async {
        // Those whose callers gave up while they waited are dropped unanswered (already answered).
        let batch = queued.filter { $0.phase.start() }
        if batch.isEmpty { return }
        let db = database()
        do {
            try await db.raw("BEGIN IMMEDIATE").run()
        } catch {
            for job in batch { job.finish(error) }
            return
        }
        if batch.count == 1 {
            // Alone in its batch: the transaction itself is its savepoint (two statements fewer,
            // which is most of a quiet server's writes).
            let job = batch[0]
            if let error = await job.run(db) {
                await rollBack(db)
                job.finish(error)
                return
            }
            do { try await db.raw("COMMIT").run() } catch {
                await abort(db, batch, error)
                return
            }
            job.finish(nil)
            return
        }
        var outcomes: [(any Error)?] = []
        for job in batch {
            do {
                try await db.raw("SAVEPOINT job").run()
                let error = await job.run(db)
                if error != nil { try await db.raw("ROLLBACK TO job").run() }
                try await db.raw("RELEASE job").run()
                outcomes.append(error)
            } catch {
                // The savepoint machinery itself failed: the batch can't be trusted.
                await abort(db, batch, error)
                return
            }
        }
        do {
            try await db.raw("COMMIT").run()
        } catch {
            await abort(db, batch, error)
            return
        }
        for (job, error) in zip(batch, outcomes) { job.finish(error) }
    }

    private func abort(_ db: any SQLDatabase, _ batch: [Job], _ error: any Error) async {
        trouble?.report("write batch failed; every transaction in it is rolled back", error: error, metadata: ["size": "\(batch.count)"])
        await rollBack(db)
        for job in batch { job.finish(error) }
    }

    /// Rolls back, unless SQLite already did (it does by itself on a full disk or an I/O error;
    /// a ROLLBACK then only fails with "no transaction is active").
    private func rollBack(_ db: any SQLDatabase) async {
        guard inTransaction() else { return }
        do { try await db.raw("ROLLBACK").run() } catch { trouble?.report("rollback failed", error: error) }
    }
}

/// A queued transaction's phase: queued, then started by the writer or abandoned by its caller;
/// whichever comes first wins.
final class JobPhase: Sendable {
    private let value = Atomic<UInt8>(0)  // 0 queued, 1 started, 2 abandoned

    func start() -> Bool { value.compareExchange(expected: 0, desired: 1, ordering: .acquiringAndReleasing).exchanged }
    func abandon() -> Bool { value.compareExchange(expected: 0, desired: 2, ordering: .acquiringAndReleasing).exchanged }
}
