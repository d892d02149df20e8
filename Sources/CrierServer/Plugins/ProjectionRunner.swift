import CrierPluginKit
import CrierStore
import Foundation
import Logging
import ServiceLifecycle

/// Keeps every loaded plugin's projections up to date with the journal: each pass reads up to
/// the journal's safe high-water mark in batches, each batch applied with its checkpoint in one
/// transaction. Runs as a service in `crier serve`; tests and `crier {id} rebuild` call it directly.
public struct ProjectionRunner: Service {
    let host: PluginHost
    let store: Store
    let batchSize: Int
    var interval: Duration = .seconds(1)
    /// A pass with more than this many entries to read is a backfill: logged with its progress.
    static let backfillThreshold: Int64 = 2_000

    /// Brings every projection up to date once; returns how many entries were applied in all.
    @discardableResult
    public func catchUp() async throws -> Int {
        var applied = 0
        for plugin in host.plugins {
            for projection in plugin.projections {
                applied += try await catchUp(plugin: plugin.id, projection)
            }
        }
        return applied
    }

    /// Applies what the projection has not seen yet, up to the high-water mark read at the start.
    /// `progress` hears (done, total) after each batch.
    func catchUp(plugin: String, _ projection: any JournalProjection, progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> Int {
        let checkpoints = store.checkpoints
        let start: Int64
        if let position = try await checkpoints.position(plugin: plugin, projection: projection.name) {
            start = position
        } else {
            try await checkpoints.prepare(plugin: plugin, projection: projection.name)
            start = 0
        }
        // An idle pass only reads: no write transaction, and on PostgreSQL no exclusive lock that
        // writers would queue behind. The locked high-water mark is taken when there is news.
        guard try await checkpoints.journalHead() > start else {
            await host.status.set(plugin, projection.name, .live)
            return 0
        }
        guard let head = try await checkpoints.safeHead() else { return 0 }
        guard head > start else {
            await host.status.set(plugin, projection.name, .live)
            return 0
        }
        let backfill = head - start > Self.backfillThreshold || progress != nil
        let total = backfill ? try await checkpoints.entries(after: start, upTo: head) : 0
        let began = Date()
        if backfill, progress == nil {
            host.logger.info("backfilling projection from the journal", metadata: [
                "plugin": "\(plugin)", "projection": "\(projection.name)", "from_entry": "\(start + 1)", "entries": "\(total)"])
        }
        let services = host.services(for: plugin, store: store)
        var done = 0
        var loggedTenths = 0
        do {
            loop: while true {
                let outcome = try await checkpoints.consume(plugin: plugin, projection: projection.name, upTo: head, limit: batchSize) {
                    entries, db in try await projection.apply(entries, in: db, services: services)
                }
                switch outcome {
                case .applied(let count, _):
                    done += count
                    // Shutting down: stop between batches; the checkpoint resumes it at the next start.
                    if Task.isCancelled { break loop }
                    guard backfill else { continue }
                    await host.status.set(plugin, projection.name, .backfilling(done: done, total: max(total, done)))
                    progress?(done, max(total, done))
                    let tenths = total > 0 ? done * 10 / total : 10
                    if progress == nil, tenths > loggedTenths, tenths < 10 {
                        loggedTenths = tenths
                        host.logger.info("backfilling", metadata: [
                            "plugin": "\(plugin)", "projection": "\(projection.name)", "done": "\(done)", "of": "\(total)",
                            "percent": "\(tenths * 10)"])
                    }
                case .caughtUp, .busy:
                    break loop
                }
            }
        } catch {
            await host.status.set(plugin, projection.name, .failing(String(describing: error)))
            throw error
        }
        if backfill, progress == nil {
            let seconds = Date().timeIntervalSince(began)
            host.logger.info("backfill done", metadata: [
                "plugin": "\(plugin)", "projection": "\(projection.name)", "entries": "\(done)",
                "seconds": "\(String(format: "%.1f", seconds))", "per_second": "\(seconds > 0 ? Int(Double(done) / seconds) : done)"])
        }
        await host.status.set(plugin, projection.name, .live)
        return done
    }

    /// Empties a plugin's projections and reads the whole journal again; `progress` hears (done, total).
    public func rebuild(plugin id: String, progress: @escaping @Sendable (Int, Int) -> Void) async throws -> Int {
        guard let plugin = host.plugin(id) else { throw CrierError.notFound("plugin") }
        var applied = 0
        for projection in plugin.projections {
            try await store.checkpoints.prepare(plugin: id, projection: projection.name)
            try await store.checkpoints.rewind(plugin: id, projection: projection.name) { db in try await projection.reset(in: db) }
            applied += try await catchUp(plugin: id, projection, progress: progress)
        }
        return applied
    }

    public func run() async throws {
        guard host.plugins.contains(where: { !$0.projections.isEmpty }) else {
            // Nothing to run, but a service that returns early stops the server: wait for shutdown.
            try? await gracefulShutdown()
            return
        }
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                for plugin in host.plugins {
                    for projection in plugin.projections {
                        do {
                            _ = try await catchUp(plugin: plugin.id, projection)
                        } catch {
                            store.trouble.report("projection \(plugin.id)/\(projection.name) batch failed; will retry", error: error)
                        }
                    }
                }
                // Wall-time cadence: how fresh the CRM pages are, not what is due.
                try? await Task.sleep(for: interval)
            }
        }
    }
}
