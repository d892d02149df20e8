import CrierPluginKit
import CrierStore
import Foundation
import Hummingbird

/// Mounts each loaded plugin's routes: JSON under `/api/v1/plugins/{id}/` behind the API key,
/// pages under `/plugins/{id}/` behind the staff session (with the CSRF check on every POST).
/// A plugin that is not loaded has no routes at all: its paths are 404.
struct PluginRoutes: Sendable {
    let host: PluginHost
    let staff: StaffPages
    var store: Store { staff.store }

    func register(api: DocumentedRoutes, web: RouterGroup<CrierRequestContext>) {
        for plugin in host.plugins {
            let services = host.services(for: plugin.id, store: store)
            for route in plugin.routes {
                let path = Self.path(plugin: plugin.id, route.path)
                let method = HTTPRequest.Method(rawValue: route.method.rawValue) ?? .get
                switch route.kind {
                case .api:
                    // Every API route has one (LoadedPlugin refuses a plugin otherwise).
                    guard var operation = route.operation else { continue }
                    operation.id = plugin.id + "." + operation.id
                    api.on(method, path, operation) { request, context in
                        let caller = try Self.apiCaller(context)
                        return try await Self.withRequest(request, context, route: route, caller: caller, services: services) { plugged in
                            try await respond(try await route.handler(plugged), caller: caller, context: context)
                        }
                    }
                case .page:
                    web.on(RouterPath(path), method: method) { request, context in
                        let session = route.managersOnly ? try staff.requireManager(context) : try staff.requireStaff(context)
                        let caller = try await staff.caller(context, session: session)
                        return try await Self.withRequest(request, context, route: route, caller: caller, services: services) { plugged in
                            if route.method != .get {
                                // The same check as the core's forms, on the plugin's form or upload.
                                guard let sent = plugged.form["csrf_token"], ConstantTime.equal(sent, session.csrfToken) else {
                                    throw CrierError.forbidden("This form has expired or did not come from Crier. Go back, reload the page and try again.")
                                }
                            }
                            return try await respond(try await route.handler(plugged), caller: caller, context: context)
                        }
                    }
                }
            }
        }
    }

    /// The API key as a plugin sees it: its one venue, and whether it may write.
    static func apiCaller(_ context: CrierRequestContext) throws -> PluginCaller {
        let venue = try context.requireVenue()
        return PluginCaller(
            venueId: venue.id, venueIds: [venue.id], actor: context.actor, actorName: context.apiKey.map { "API key “\($0.name)”" }, role: nil,
            canWrite: context.apiKey?.scope != .read, csrfToken: nil)
    }

    /// `notes/{id}` of plugin `timeline` → `plugins/timeline/notes/:id`.
    static func path(plugin: String, _ relative: String) -> String {
        let segments = relative.split(separator: "/").map { segment -> String in
            segment.hasPrefix("{") && segment.hasSuffix("}") ? ":" + segment.dropFirst().dropLast() : String(segment)
        }
        return (["plugins", plugin] + segments).joined(separator: "/")
    }

    /// The plugin's view of `request` for the handler; a spooled body's files are deleted once
    /// `body` returns (a download streams after that, so it must not read them).
    static func withRequest(
        _ request: Request, _ context: CrierRequestContext, route: PluginRoute, caller: PluginCaller, services: PluginServices,
        _ body: (PluginRequest) async throws -> Response
    ) async throws -> Response {
        guard route.spoolsBody, route.method != .get else {
            return try await body(try await Self.request(request, context, route: route, caller: caller, services: services))
        }
        let spool = try await BodySpool.receive(request, limit: route.maxBodyBytes)
        defer { spool.remove() }
        var plugged = try await Self.request(request, context, route: route, caller: caller, services: services, collect: false)
        plugged.bodyFile = spool.bodyFile
        plugged.files = spool.files
        plugged.spooledFields = spool.fields
        return try await body(plugged)
    }

    static func request(
        _ request: Request, _ context: CrierRequestContext, route: PluginRoute, caller: PluginCaller, services: PluginServices,
        collect: Bool = true
    ) async throws -> PluginRequest {
        let body = route.method == .get || !collect ? [] : Array(try await request.body.collect(upTo: route.maxBodyBytes).readableBytesView)
        var query: [String: String] = [:]
        for (name, value) in request.uri.queryParameters where query[String(name)] == nil { query[String(name)] = String(value) }
        var parameters: [String: String] = [:]
        for (name, value) in context.parameters { parameters[String(name)] = String(value) }
        return PluginRequest(
            parameters: parameters, query: query, body: body, contentType: request.headers[.contentType], caller: caller, services: services)
    }

    /// A download for a caller who may not download (the staff role, unless the venue allows it)
    /// is refused here, for every plugin's every CSV, before a byte of it is read.
    func respond(_ response: PluginResponse, caller: PluginCaller, context: CrierRequestContext) async throws -> Response {
        if case .download = response, !caller.canDownload {
            throw StaffPages.downloadRefused
        }
        switch response {
        case .json(_, 204):
            return Response(status: .noContent)
        case .json(let value, let status):
            return Response(
                status: .init(code: status), headers: [.contentType: "application/json; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: value.jsonText)))
        case .page(let title, let html, let status):
            return try await staff.render("plugin_page", PluginPage(pageTitle: title, html: html), context, status: .init(code: status))
        case .redirect(let location):
            return seeOther(location)
        case .download(let filename, let contentType, let write):
            return Download.response(filename: filename, contentType: contentType, write: write)
        }
    }
}

/// A plugin's page inside the layout: its title and the HTML its templates made.
struct PluginPage: Encodable { var pageTitle, html: String }
