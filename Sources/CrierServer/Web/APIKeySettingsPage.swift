import CrierCore
import CrierStore
import Foundation
import Hummingbird

/// `/settings/api-keys`: keys for integrators. A new key is shown once, on the page that creates
/// it (never in a URL or a redirect); afterwards only its first characters. Revoking is immediate.
struct APIKeySettingsPage: Sendable {
    let staff: StaffPages
    var store: Store { staff.store }

    func register(on web: RouterGroup<CrierRequestContext>) {
        web.get("settings/api-keys") { request, context in
            _ = try staff.requireManager(context)
            let notice = request.uri.queryParameters.get("done") == "revoked" ? "Key revoked: requests with it now get 401." : nil
            return try await render(context, typed: [:], errors: FieldErrors(), notice: notice)
        }
        web.post("settings/api-keys") { request, context in
            _ = try staff.requireManager(context)
            let form = try await staff.form(request, context)
            let venue = try context.requireVenue()
            do {
                guard let scope = form["scope"].flatMap(APIKeyScope.init(rawValue:)) else {
                    throw CrierError.invalid(FieldErrors("scope", "must be one of " + APIKeyScope.allCases.map(\.rawValue).joined(separator: ", ")))
                }
                let created = try await store.apiKeys.create(venueId: venue.id, name: form["name"] ?? "", scope: scope, actor: context.actor)
                return try await render(context, typed: [:], errors: FieldErrors(), secret: (created.key.name, created.secret), status: .created)
            } catch let error as CrierError {
                guard let fields = error.fieldMessages else { throw error }
                return try await render(context, typed: form.fields, errors: fields, status: error.formStatus)
            }
        }
        web.post("settings/api-keys/:id/revoke") { request, context in
            _ = try staff.requireManager(context)
            _ = try await staff.form(request, context)
            try await store.apiKeys.revoke(venueId: try context.requireVenue().id, id: try context.pathID("id", "API key"), actor: context.actor)
            return seeOther("/settings/api-keys?done=revoked")
        }
    }

    func render(_ context: CrierRequestContext, typed: [String: String], errors: FieldErrors, secret: (name: String, key: String)? = nil,
                notice: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response
    {
        let time = try staff.time(context)
        let keys = try await store.apiKeys.list(venueId: try context.requireVenue().id)
        let view = APIKeyList(tabs: SettingsTabs.values(current: "api_keys"), hasKeys: !keys.isEmpty, keys: keys.map { key in
            .init(id: key.id, name: key.name, prefix: key.prefix, scope: key.scope.rawValue, created: time.dateAndTime(key.createdAt),
                  revoked: key.revokedAt.map { time.dateAndTime($0) })
        }, fields: [
            FormField(name: "name", label: "Name", value: typed["name"], error: errors.fields["name"], hint: "What uses it, e.g. “Booking site”.",
                      required: true),
            FormField(name: "scope", label: "Access", value: typed["scope"] ?? APIKeyScope.write.rawValue, error: errors.fields["scope"],
                      options: [("write", "read and write"), ("read", "read only")]),
        ], secret: secret.map { .init(name: $0.name, key: $0.key) }, problem: errors.isEmpty ? nil : "Please fix the fields marked below.")
        return try await staff.render("settings_api_keys", view, context, notice: notice, status: status)
    }
}

/// The venue's API keys, a key just made (shown once), and the form for another.
struct APIKeyList: Encodable {
    struct Key: Encodable {
        var id: Int64
        var name, prefix, scope, created: String
        var revoked: String?
    }
    struct Secret: Encodable { var name, key: String }
    var tabs: [SettingsTabs.Tab]
    var hasKeys: Bool
    var keys: [Key]
    var fields: [FormField]
    var secret: Secret?
    var problem: String?
}
