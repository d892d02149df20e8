import Foundation
import Logging
import Synchronization

/// Group commit for inbound texts: webhook requests that arrive while a batch is being written
/// wait and go together in the next one (one transaction, a handful of statements), and each is
/// answered only once its batch is durable. Under load that is what lets one SQLite writer keep
/// up; with one request at a time it is one transaction per request, as before.
public final class InboundQueue: Sendable {
    typealias Waiting = (item: InboundItem, reply: CheckedContinuation<InboundReceipt, any Error>)

    let inbound: Inbound
    let executor: (any TaskExecutor)?
    let logger: Logger
    /// Most texts in one transaction.
    let batchLimit: Int
    private let state = Mutex<(waiting: [Waiting], writing: Bool)>(([], false))

    public init(store: Store, logger: Logger, batchLimit: Int = 256) {
        self.inbound = store.inbound
        self.executor = store.engine.writeExecutor
        self.logger = logger
        self.batchLimit = batchLimit
    }

    /// Receives one text with whichever others are waiting; throws if its batch could not be written.
    public func receive(_ item: InboundItem) async throws -> InboundReceipt {
        try await withCheckedThrowingContinuation { reply in
            let start = state.withLock { s -> Bool in
                s.waiting.append((item, reply))
                guard !s.writing else { return false }
                s.writing = true
                return true
            }
            if start { Task(executorPreference: executor) { await self.write() } }
        }
    }

    private func write() async {
        while true {
            let batch = state.withLock { s -> [Waiting] in
                let batch = Array(s.waiting.prefix(batchLimit))
                s.waiting.removeFirst(batch.count)
                if batch.isEmpty { s.writing = false }
                return batch
            }
            if batch.isEmpty { return }
            do {
                let receipts = try await inbound.receiveAll(batch.map(\.item))
                for (waiting, receipt) in zip(batch, receipts) { waiting.reply.resume(returning: receipt) }
            } catch let error where StoreUnavailable.classify(error) != nil {
                // The database can't take writes now: every text in the batch is refused at once
                // (503, the provider retries). Trying each alone would hold the ones behind for minutes.
                for waiting in batch { waiting.reply.resume(throwing: error) }
            } catch {
                // One text the database refuses must not fail the others: each alone, so only it fails
                // (its provider is answered 5xx and retries).
                logger.warning("inbound batch failed; writing its texts one by one", metadata: ["count": "\(batch.count)", "error": "\(error)"])
                for waiting in batch {
                    do { waiting.reply.resume(returning: try await inbound.receiveAll([waiting.item])[0]) } catch {
                        waiting.reply.resume(throwing: error)
                    }
                }
            }
        }
    }
}
