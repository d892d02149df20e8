import ArgumentParser
import Foundation

/// One thing `crier-bench webhooks` can load.
enum WebhookTarget: String, ExpressibleByArgument, CaseIterable {
    /// `crier serve` as shipped: every built-in plugin, the scheduler running.
    case `default`
    /// `crier serve` with `CRIER_PLUGINS=twilio`: what the plugins cost, for comparison only.
    case pluginFree = "plugin-free"
    /// Twilio's tutorial stack: Flask, the twilio library and SQLite under gunicorn with 2 workers.
    case peer
    /// A Hummingbird route that reads the body and answers: this machine's HTTP ceiling.
    case bare

    func engines(postgres: String?) -> [WebhookEngine] {
        switch self {
        case .default, .pluginFree: return [.sqlite] + (postgres.map { [.postgres(admin: $0)] } ?? [])
        case .peer, .bare: return [.none]
        }
    }

    func measure(engine: WebhookEngine, context: WebhookRunContext, peerScript: String) async throws -> WebhookFigures {
        switch self {
        case .default: return try await CrierWebhookRun(plugins: nil, engine: engine, context: context).measure(target: self)
        case .pluginFree: return try await CrierWebhookRun(plugins: "twilio", engine: engine, context: context).measure(target: self)
        case .peer: return try await FlaskPeerRun(script: peerScript, context: context).measure()
        case .bare: return try await BareRouteRun(context: context).measure()
        }
    }
}

/// One row of the webhook table.
struct WebhookFigures {
    var target: WebhookTarget
    var engine: String
    var wrk: WrkResult
    /// Texts the database holds afterwards (nil where it is not counted).
    var stored: Int?
    /// The largest projection lag `/api/v1/admin/plugins` showed during the load, and how long
    /// after the load it took to be 0 everywhere (nil without projections).
    var maxLagSeconds: Double?
    var catchUpSeconds: Double?
    var idleMB: Double?
    var loadPeakMB: Double?
    var command = ""

    var label: String { "\(target.rawValue) \(engine)" }

    static let header =
        "configuration        engine    requests/s  p50       p99       max lag s  lag 0 after s  idle RSS MB  load RSS MB  stored texts"

    var line: String {
        func number(_ value: Double?, _ format: String) -> String { value.map { String(format: format, $0) } ?? "-" }
        let cells = [
            (target.rawValue, 20), (engine, 9), (String(format: "%.0f", wrk.requestsPerSecond), 11), (wrk.p50, 9), (wrk.p99, 9),
            (number(maxLagSeconds, "%.2f"), 10), (number(catchUpSeconds, "%.1f"), 14), (number(idleMB, "%.0f"), 12),
            (number(loadPeakMB, "%.0f"), 12), (stored.map(String.init) ?? "-", 0),
        ]
        var text = cells.map { $0.0.padding(toLength: max($0.1, $0.0.count), withPad: " ", startingAt: 0) }.joined(separator: " ")
        if !wrk.errors.isEmpty { text += "   wrk: " + wrk.errors }
        return text
    }
}

/// DESIGN section 10 and issue 15's budgets, checked against one round's rows.
enum WebhookBudget {
    static func summary(round: Int, _ rows: [WebhookFigures]) -> String {
        let peer = rows.first { $0.target == .peer }?.wrk.requestsPerSecond
        var lines = ["round \(round):"]
        for row in rows where row.target == .default || row.target == .pluginFree {
            let ratio = peer.map { row.wrk.requestsPerSecond / max($0, 1) }
            let (wantRatio, wantP99) = row.engine == "postgres" ? (3.0, 25.0) : (5.0, 10.0)
            var parts = [String(format: "%@ %@: %.0f requests/s", row.target.rawValue, row.engine, row.wrk.requestsPerSecond)]
            if let ratio { parts.append(String(format: "%.1fx the peer (budget %.0fx: %@)", ratio, wantRatio, ratio >= wantRatio ? "met" : "missed")) }
            parts.append(String(format: "p99 %.1f ms (budget %.0f: %@)", row.wrk.p99Milliseconds, wantP99, row.wrk.p99Milliseconds < wantP99 ? "met" : "missed"))
            if let lag = row.maxLagSeconds, let after = row.catchUpSeconds {
                parts.append(String(format: "lag max %.1f s, 0 after %.1f s (budget 5 s / 10 s: %@)", lag, after, lag < 5 && after <= 10 ? "met" : "missed"))
            }
            if let idle = row.idleMB, let load = row.loadPeakMB {
                parts.append(String(format: "RSS idle %.0f MB, load %.0f MB (budget 50 / 100: %@)", idle, load, idle < 50 && load < 100 ? "met" : "missed"))
            }
            lines.append("  " + parts.joined(separator: "; "))
        }
        return lines.joined(separator: "\n")
    }
}
