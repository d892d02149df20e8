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

    init(maxBatch: Int = 256, logger: Logger, executor: (any TaskExecutor)? = nil, database: @escaping @Sendable () -> any SQLDatabase) {
        self.maxBatch = maxBatch
        self.executor = executor
        self.logger = logger
        self.database = database
    }

    /// Queues `body` and returns its result once it is committed.
    func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let result = Mutex<T?>(nil)
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
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
                    if let error { continuation.resume(throwing: error) }
                    else { continuation.resume(returning: result.withLock { $0! }) }
                })
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

    private func commit(_ batch: [Job]) async {
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
                do { try await db.raw("ROLLBACK").run() } catch { logger.error("rollback failed", metadata: ["error": "\(error)"]) }
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
        logger.error("write batch failed; every transaction in it is rolled back", metadata: ["error": "\(error)", "size": "\(batch.count)"])
        do { try await db.raw("ROLLBACK").run() } catch { logger.error("rollback failed", metadata: ["error": "\(error)"]) }
        for job in batch { job.finish(error) }
    }
}
