import CrierStore
import Foundation

/// What one catch-up tells the admin page and the log: each projection live, or backfilling
/// with its progress (more than `ProjectionRunner.backfillThreshold` entries to read, or a rebuild).
struct ProjectionProgress {
    let host: PluginHost
    let targets: [ProjectionRunner.Target]
    let positions: [Int64]
    let head: Int64
    /// A caller hears the progress (a rebuild): totals are counted whatever the size, nothing is logged.
    let reporting: Bool
    var totals: [Int] = []
    var done: [Int] = []
    var loggedTenths: [Int] = []
    var backfilling: Set<Int> = []
    let began = Date()

    init(host: PluginHost, targets: [ProjectionRunner.Target], positions: [Int64], head: Int64, reporting: Bool) {
        self.host = host
        self.targets = targets
        self.positions = positions
        self.head = head
        self.reporting = reporting
        totals = Array(repeating: 0, count: targets.count)
        done = totals
        loggedTenths = totals
    }

    mutating func start(_ store: Store) async throws {
        for i in targets.indices where head - positions[i] > ProjectionRunner.backfillThreshold || (reporting && head > positions[i]) {
            totals[i] = try await store.checkpoints.entries(after: positions[i], upTo: head)
            backfilling.insert(i)
            guard !reporting else { continue }
            host.logger.info("backfilling projection from the journal", metadata: [
                "plugin": "\(targets[i].plugin)", "projection": "\(targets[i].name)", "from_entry": "\(positions[i] + 1)",
                "entries": "\(totals[i])"])
        }
    }

    mutating func advanced(_ i: Int, to position: Int64, by count: Int, progress: (@Sendable (Int, Int) -> Void)?) async {
        done[i] += count
        guard backfilling.contains(i) else { return }
        await host.status.set(targets[i].plugin, targets[i].name, .backfilling(done: done[i], total: max(totals[i], done[i])))
        let (all, total) = (done.reduce(0, +), totals.reduce(0, +))
        progress?(all, max(total, all))
        let tenths = totals[i] > 0 ? done[i] * 10 / totals[i] : 10
        if !reporting, tenths > loggedTenths[i], tenths < 10 {
            loggedTenths[i] = tenths
            host.logger.info("backfilling", metadata: [
                "plugin": "\(targets[i].plugin)", "projection": "\(targets[i].name)", "done": "\(done[i])", "of": "\(totals[i])",
                "percent": "\(tenths * 10)"])
        }
    }

    func finish(failed: Set<Int>) async {
        for i in targets.indices where !failed.contains(i) { await host.status.set(targets[i].plugin, targets[i].name, .live) }
        guard !reporting else { return }
        let seconds = Date().timeIntervalSince(began)
        for i in backfilling.sorted() where !failed.contains(i) {
            host.logger.info("backfill done", metadata: [
                "plugin": "\(targets[i].plugin)", "projection": "\(targets[i].name)", "entries": "\(done[i])",
                "seconds": "\(String(format: "%.1f", seconds))", "per_second": "\(seconds > 0 ? Int(Double(done[i]) / seconds) : done[i])"])
        }
    }
}
