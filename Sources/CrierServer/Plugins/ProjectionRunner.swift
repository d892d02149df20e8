import CrierPluginKit
import CrierStore
import Foundation
import Logging
import ServiceLifecycle

/// Keeps every loaded plugin's projections up to date with the journal. Projections at the same
/// checkpoint share each batch: it is read and decoded once, outside the writer, then applied to
/// all of them in one transaction (each in its own savepoint, with its checkpoint). A projection
/// behind the others (just enabled, or rebuilt) catches up in its own batches, taking turns with
/// the live ones so they stay fresh. Runs as a service in `crier serve`; tests and
/// `crier {id} rebuild` call it directly.
public struct ProjectionRunner: Service {
    let host: PluginHost
    let store: Store
    /// Entries per batch for a projection backfilling (far behind): throughput first.
    let batchSize: Int
    /// Entries per batch for a live projection. A batch holds the plugins' writer only (on SQLite a
    /// file of its own), never Crier's; kept small so the CRM pages stay fresh and, on PostgreSQL,
    /// each batch's transaction short (500 measured no faster under webhook load).
    var liveBatchSize = 100
    public var interval: Duration = .seconds(1)
    /// A projection with more than this many entries to read is backfilling: logged with its progress.
    static let backfillThreshold = 2_000

    /// Brings every projection up to date once; returns how many entries were applied in all.
    @discardableResult
    public func catchUp() async throws -> Int {
        try await catchUp(targets(), progress: nil)
    }

    /// Empties a plugin's projections and reads the whole journal again; `progress` hears (done, total).
    public func rebuild(plugin id: String, progress: @escaping @Sendable (Int, Int) -> Void) async throws -> Int {
        guard host.plugin(id) != nil else { throw CrierError.notFound("plugin") }
        let chosen = targets().filter { $0.plugin == id }
        for target in chosen {
            try await store.checkpoints.prepare(plugin: id, projection: target.name)
            try await store.checkpoints.rewind(plugin: id, projection: target.name) { db in try await target.projection.reset(in: db) }
        }
        return try await catchUp(chosen, progress: progress)
    }

    /// One projection to keep up to date.
    struct Target: Sendable {
        var plugin: String
        var projection: any JournalProjection
        var name: String { projection.name }
    }

    func targets() -> [Target] {
        host.plugins.flatMap { plugin in plugin.projections.map { Target(plugin: plugin.id, projection: $0) } }
    }

    /// Applies what `targets` have not seen yet, up to the high-water mark read at the start.
    func catchUp(_ targets: [Target], progress: (@Sendable (Int, Int) -> Void)?) async throws -> Int {
        guard !targets.isEmpty else { return 0 }
        var positions = try await positions(of: targets)
        // An idle pass only reads: no write transaction, and on PostgreSQL no exclusive lock that
        // writers would queue behind. The locked high-water mark is taken when there is news.
        let newest = try await store.checkpoints.journalHead()
        guard let lowest = positions.min(), newest > lowest else {
            for target in targets { await host.status.set(target.plugin, target.name, .live) }
            return 0
        }
        guard let head = try await store.checkpoints.safeHead() else { return 0 }
        var progressLog = ProjectionProgress(host: host, targets: targets, positions: positions, head: head, reporting: progress != nil)
        try await progressLog.start(store)
        // Made once per catch-up, not per batch.
        let services = targets.map { host.services(for: $0.plugin, store: store) }
        var open = Set(targets.indices.filter { positions[$0] < head })
        var failed: Set<Int> = []
        var applied = 0
        while !open.isEmpty {
            // Live projections (furthest along) first, then each group behind them: one batch each per round.
            let groups = Dictionary(grouping: open, by: { positions[$0] }).sorted { $0.key > $1.key }
            for (position, members) in groups {
                let limit = head - position > Self.backfillThreshold ? batchSize : min(batchSize, liveBatchSize)
                let entries = try await store.checkpoints.entries(after: position, upTo: head, limit: limit)
                guard !entries.isEmpty else {
                    members.forEach { open.remove($0) }
                    continue
                }
                let shares = members.map { i in
                    let (target, services) = (targets[i], services[i])
                    return ProjectionCheckpoints.Share(plugin: target.plugin, projection: target.name, position: position) { part, db in
                        try await target.projection.apply(part, in: db, services: services)
                    }
                }
                let outcomes = try await store.checkpoints.apply(entries, to: shares)
                for (i, outcome) in zip(members, outcomes) {
                    switch outcome {
                    case .applied(let count, let moved):
                        positions[i] = moved
                        applied += count
                        if moved >= head { open.remove(i) }
                        await progressLog.advanced(i, to: moved, by: count, progress: progress)
                    case .busy:
                        open.remove(i)
                    case .failed(let message):
                        open.remove(i)
                        failed.insert(i)
                        await host.status.set(targets[i].plugin, targets[i].name, .failing(message))
                        store.trouble.report("projection \(targets[i].plugin)/\(targets[i].name) batch failed; will retry", error: ProjectionFailure(message))
                    }
                }
            }
            // Shutting down: stop between batches; the checkpoints resume it at the next start.
            if Task.isCancelled { break }
        }
        await progressLog.finish(failed: failed)
        return applied
    }

    /// Every target's checkpoint (made at 0 for a projection new to this database).
    func positions(of targets: [Target]) async throws -> [Int64] {
        let known = try await store.checkpoints.all()
        var positions: [Int64] = []
        for target in targets {
            if let found = known.first(where: { $0.plugin == target.plugin && $0.projection == target.name }) {
                positions.append(found.position)
            } else {
                try await store.checkpoints.prepare(plugin: target.plugin, projection: target.name)
                positions.append(0)
            }
        }
        return positions
    }

    public func run() async throws {
        guard !targets().isEmpty else {
            // Nothing to run, but a service that returns early stops the server: wait for shutdown.
            try? await gracefulShutdown()
            return
        }
        // Reading, decoding and applying run on the plugins' writer thread (SQLite), which yields
        // the CPU to requests; on the shared pool they would compete with the webhooks for it.
        await withTaskExecutorPreference(store.pluginEngine.writeExecutor) { await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    _ = try await catchUp()
                } catch {
                    store.trouble.report("projections could not catch up; will retry", error: error)
                }
                // Wall-time cadence: how fresh the CRM pages are, not what is due.
                try? await Task.sleep(for: interval)
            }
        } }
    }
}

/// A projection's batch threw; its message, for the log.
struct ProjectionFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
