import CrierPluginKit
import CrierStore
import Hummingbird

/// `/admin/plugins`: every built-in plugin, whether it is loaded, its version, what it contributes
/// and, for each projection, its checkpoint, lag behind the journal and state. A page for owners
/// and managers (also at `/settings/plugins`), and JSON at `GET /api/v1/admin/plugins`.
struct PluginAdminRoutes: Sendable {
    let staff: StaffPages
    /// Every SMS provider in this server (the console and the plugins'), to show which the venue uses.
    let providers: [any SMSProvider]
    var host: PluginHost { staff.plugins }

    func register(web: RouterGroup<CrierRequestContext>, api: DocumentedRoutes) {
        for path in ["admin/plugins", "settings/plugins"] {
            web.get(RouterPath(path)) { _, context in
                _ = try staff.requireManager(context)
                let venue = try context.requireVenue()
                let current = try await staff.store.venues.provider(venueId: venue.id).id
                let report = try await report()
                let rows = report.map { plugin in
                    PluginList.Plugin(
                        id: plugin.id, version: plugin.version, enabled: plugin.enabled, contributes: plugin.contributes.joined(separator: "; "),
                        projections: plugin.projections.map {
                            .init(name: $0.name, position: $0.position, lag: $0.lag, lagSeconds: String(format: "%.1f", $0.lagSeconds), state: $0.state)
                        })
                }
                let providerRows = providers.map { provider in
                    PluginList.Provider(id: provider.id, inUse: provider.id == current, settings: provider.settingKeys.all.sorted().joined(separator: ", "),
                                        webhooks: provider is any SMSWebhooks)
                }
                return try await staff.render(
                    "settings_plugins", PluginList(tabs: SettingsTabs.values(current: "plugins"), plugins: rows, providers: providerRows), context)
            }
        }
        api.get("admin/plugins", APIOperation(
            "listPlugins", "Every built-in plugin: loaded or not, its version, what it adds, its projections' lag", tag: "Plugins",
            responses: [.ok(.page(of: .object([
                "id": .string(), "version": .string(), "state": .oneOf(["enabled", "disabled"]), "contributes": .array(.string()),
                "projections": .array(.object(["name": .string(), "position": .integer(minimum: 0), "lag": .integer(minimum: 0),
                                               "lag_seconds": APISchema(json: ["type": "number", "minimum": 0]), "state": .string()])),
            ], required: ["id", "version", "state"])), "the plugins")])
        ) { _, _ in
            let items: [JSONValue] = try await report().map { plugin in
                .object([
                    "id": .string(plugin.id), "version": .string(plugin.version), "state": .string(plugin.enabled ? "enabled" : "disabled"),
                    "contributes": .array(plugin.contributes.map(JSONValue.string)),
                    "projections": .array(plugin.projections.map {
                        .object(["name": .string($0.name), "position": .number(Double($0.position)), "lag": .number(Double($0.lag)),
                                 "lag_seconds": .number(($0.lagSeconds * 1000).rounded() / 1000), "state": .string($0.state)])
                    }),
                ])
            }
            return Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: JSONValue.object(["items": .array(items), "next_cursor": .null]).jsonText)))
        }
    }

    /// One plugin's line on the page.
    struct Line {
        var id: String
        var version: String
        var enabled: Bool
        var contributes: [String]
        var projections: [ProjectionLine]
    }

    /// One projection's line: where it has read to and how far behind the journal it is, in
    /// entries and in seconds (how long the oldest entry it has not applied has waited).
    struct ProjectionLine {
        var name: String
        var position: Int64
        var lag: Int
        var lagSeconds: Double
        var state: String
    }

    func report() async throws -> [Line] {
        let checkpoints = try await staff.store.checkpoints.all()
        let head = try await staff.store.checkpoints.journalHead()
        var lines: [Line] = []
        let builtIn = host.builtIn.isEmpty ? host.plugins.map { ($0.id, $0.version) } : host.builtIn
        for (id, version) in builtIn {
            guard let plugin = host.plugin(id) else {
                // Disabled: its tables and checkpoint stay, and it resumes from there when enabled again.
                let kept = checkpoints.filter { $0.plugin == id }.map {
                    ProjectionLine(name: $0.projection, position: $0.position, lag: 0, lagSeconds: 0, state: "stopped")
                }
                lines.append(Line(id: id, version: version, enabled: false, contributes: [], projections: kept))
                continue
            }
            var projections: [ProjectionLine] = []
            for projection in plugin.projections {
                let position = checkpoints.first { $0.plugin == id && $0.projection == projection.name }?.position ?? 0
                let lag = try await staff.store.checkpoints.lag(after: position, head: head)
                let state: String
                switch await host.status.state(id, projection.name) {
                case .starting: state = "starting"
                case .live: state = lag.entries == 0 ? "up to date" : "live"
                case .backfilling(let done, let total): state = "backfilling \(done)/\(total)"
                case .failing(let error): state = "failing: \(error)"
                }
                projections.append(ProjectionLine(name: projection.name, position: position, lag: lag.entries, lagSeconds: lag.seconds, state: state))
            }
            lines.append(Line(id: id, version: version, enabled: true, contributes: Self.contributions(plugin), projections: projections))
        }
        return lines
    }

    static func contributions(_ plugin: LoadedPlugin) -> [String] {
        var out: [String] = []
        if !plugin.providers.isEmpty { out.append("SMS provider " + plugin.providers.map(\.id).joined(separator: ", ")) }
        if !plugin.migrations.isEmpty { out.append("\(plugin.migrations.count) migration(s)") }
        let pages = plugin.routes.filter { $0.kind == .page }.count
        let api = plugin.routes.count - pages
        if pages > 0 { out.append("\(pages) page route(s) under /plugins/\(plugin.id)") }
        if api > 0 { out.append("\(api) API route(s) under /api/v1/plugins/\(plugin.id)") }
        if !plugin.navigation.isEmpty { out.append("navigation: " + plugin.navigation.map(\.title).joined(separator: ", ")) }
        if !plugin.panels.isEmpty { out.append("customer panel: " + plugin.panels.map(\.title).joined(separator: ", ")) }
        if !plugin.projections.isEmpty { out.append("projection: " + plugin.projections.map(\.name).joined(separator: ", ")) }
        if !plugin.jobs.isEmpty { out.append("job: " + plugin.jobs.map(\.name).joined(separator: ", ")) }
        if !plugin.commands.isEmpty { out.append("commands: " + plugin.commands.map { "crier \(plugin.id) \($0.name)" }.joined(separator: ", ")) }
        return out
    }
}

/// The plugins built in, their projections' progress, and the SMS providers.
struct PluginList: Encodable {
    struct Projection: Encodable {
        var name: String
        var position: Int64
        var lag: Int
        var lagSeconds, state: String
    }
    struct Plugin: Encodable {
        var id, version: String
        var enabled: Bool
        var contributes: String
        var projections: [Projection]
    }
    struct Provider: Encodable {
        var id: String
        var inUse: Bool
        var settings: String
        var webhooks: Bool
    }
    var tabs: [SettingsTabs.Tab]
    var plugins: [Plugin]
    var providers: [Provider]
}
