import CrierCore
import CrierStore
import Foundation
import Prometheus
import SQLKit

/// Gauges read when `/metrics` is scraped, so they are true at that moment whichever instance
/// answers: texts waiting by status, how late the oldest due text is (the scheduler's lag), each
/// projection's lag, and the process's memory, CPU time, open files and start time. The
/// queries use the partial indexes on pending texts, so a scrape costs O(pending), not O(texts).
struct ScrapeGauges: Sendable {
    let store: Store
    let plugins: PluginHost
    let registry: PrometheusCollectorRegistry
    /// The statuses a text waits in; the final ones are counted by the providers' outcomes.
    static let pending: [MessageStatus] = [.scheduled, .sending, .unknown]

    func refresh() async throws {
        let now = store.clock.now().millisecondsSince1970
        let (counts, oldestDue) = try await store.engine.read { db in
            let list = Self.pending.map { "'\($0.rawValue)'" }.joined(separator: ", ")
            var counts: [String: Int] = [:]
            for row in try await db.raw("""
                SELECT status, COUNT(*) AS n FROM messages
                WHERE scheduled_for IS NOT NULL AND status IN (\(unsafeRaw: list)) GROUP BY status
                """).all() {
                counts[try row.decode(column: "status", as: String.self)] = try row.decode(column: "n", as: Int.self)
            }
            let oldest = try await db.raw("""
                SELECT MIN(scheduled_for) AS due FROM messages
                WHERE status = 'scheduled' AND scheduled_for IS NOT NULL AND scheduled_for <= \(bind: now)
                """).first()?.decode(column: "due", as: Int64?.self)
            return (counts, oldest)
        }
        for status in Self.pending {
            gauge("queue", "messages", "Outbound texts waiting, by status", [("status", status.rawValue)]).set(Int64(counts[status.rawValue] ?? 0))
        }
        let lag = oldestDue.map { Double(now - $0) / 1000 } ?? 0
        gauge("scheduler_lag", "seconds", "How long the oldest due text has been waiting to be claimed", []).set(lag)
        try await projections()
        process()
    }

    private func projections() async throws {
        guard !plugins.plugins.isEmpty else { return }
        let checkpoints = try await store.checkpoints.all()
        let head = try await store.checkpoints.journalHead()
        for plugin in plugins.plugins {
            for projection in plugin.projections {
                let position = checkpoints.first { $0.plugin == plugin.id && $0.projection == projection.name }?.position ?? 0
                let lag = try await store.checkpoints.lag(after: position, head: head)
                let labels = [("plugin", plugin.id), ("projection", projection.name)]
                gauge("projection_lag", "entries", "Journal entries a projection has not applied yet", labels).set(Int64(lag.entries))
                gauge("projection_lag", "seconds", "How long the oldest entry a projection has not applied has waited", labels).set(lag.seconds)
            }
        }
    }

    /// Prometheus' standard process metrics, from /proc (Linux).
    private func process() {
        guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")")
        else { return }
        // Fields after the command name, which may itself hold spaces: field 3 is the state.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let page = Double(sysconf(Int32(_SC_PAGESIZE)))
        if fields.count > 21, let user = Double(fields[11]), let system = Double(fields[12]), let start = Double(fields[19]),
           let rss = Double(fields[21])
        {
            plain("process_cpu_seconds", "total", "User and system CPU time spent", (user + system) / ticks)
            plain("process_resident_memory", "bytes", "Resident memory size", rss * page)
            if let uptime = try? String(contentsOfFile: "/proc/uptime", encoding: .utf8).split(separator: " ").first.flatMap({ Double($0) }) {
                // Boot time plus the start offset: seconds since the epoch, as Prometheus expects.
                plain("process_start_time", "seconds", "When the process started", Date().timeIntervalSince1970 - uptime + start / ticks)
            }
        }
        if let open = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
            plain("process_open", "fds", "Open file descriptors", Double(open.count))
        }
    }

    private func gauge(_ name: String, _ unit: String, _ help: String, _ labels: [(String, String)]) -> Gauge {
        registry.makeGauge(descriptor: .init(namespace: "crier", metricName: name, unitName: unit, helpText: help), labels: labels)
    }

    private func plain(_ name: String, _ unit: String, _ help: String, _ value: Double) {
        registry.makeGauge(descriptor: .init(metricName: name, unitName: unit, helpText: help)).set(value)
    }
}
