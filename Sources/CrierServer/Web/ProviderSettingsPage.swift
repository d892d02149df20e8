import CrierCore
import CrierPluginKit
import CrierStore
import Hummingbird

/// `/settings/provider`: which SMS provider the venue sends through, and its settings. One form per
/// built-in provider; secrets are never shown back (only their last four characters) and an empty
/// secret field keeps the stored one.
struct ProviderSettingsPage: Sendable {
    let staff: StaffPages
    let change: ProviderChange

    func register(on web: RouterGroup<CrierRequestContext>) {
        web.get("settings/provider") { request, context in
            _ = try staff.requireManager(context)
            let done = request.uri.queryParameters.get("done") == "saved" ? "Provider settings saved." : nil
            return try await render(context, submitted: nil, typed: [:], errors: FieldErrors(), notice: done)
        }
        web.post("settings/provider") { request, context in
            _ = try staff.requireManager(context)
            let form = try await staff.form(request, context)
            let venue = try context.requireVenue()
            let id = form["provider"]
            var settings: [String: String?] = [:]
            for (name, value) in form.fields where name.hasPrefix("settings.") {
                settings[String(name.dropFirst("settings.".count))] = value.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            do {
                try await change.save(venueId: venue.id, id: id, settings: settings, actor: context.actor)
                return seeOther("/settings/provider?done=saved")
            } catch let error as CrierError {
                guard let fields = error.fieldMessages else { throw error }
                return try await render(context, submitted: id, typed: settings.compactMapValues { $0 }, errors: fields,
                                        status: error.formStatus)
            }
        }
    }

    func render(_ context: CrierRequestContext, submitted: String?, typed: [String: String], errors: FieldErrors, notice: String? = nil,
                status: HTTPResponse.Status = .ok) async throws -> Response
    {
        let venue = try context.requireVenue()
        let current = try await change.current(venueId: venue.id)
        let forms: [ProviderForms.Provider] = change.providers.map { provider in
            let isCurrent = provider.id == current.id, isSubmitted = provider.id == submitted
            let fields: [FormField] = provider.settingKeys.all.sorted().map { key in
                let secret = provider.settingKeys.secret.contains(key)
                let stored = isCurrent ? current.settings[key] : nil
                var hint: String?
                if secret { hint = stored.map { "Set (ends \($0.dropFirst())). Leave empty to keep it." } ?? "Not set." }
                // Providers share setting names (`auth_token`), so each form's ids carry its provider.
                return FormField(
                    id: "\(provider.id)-\(key)", name: "settings.\(key)", label: key.replacingOccurrences(of: "_", with: " "),
                    // Secrets are write-only: never put back into the page, even when the form is re-shown.
                    value: secret ? nil : (isSubmitted ? typed[key] : stored), type: secret ? "password" : "text",
                    error: isSubmitted ? errors.fields["settings.\(key)"] : nil, hint: hint, autocomplete: secret ? "new-password" : "off")
            }
            return .init(id: provider.id, current: isCurrent, open: isSubmitted || (submitted == nil && isCurrent), fields: fields)
        }
        let view = ProviderForms(
            tabs: SettingsTabs.values(current: "provider"), inUse: current.id, providers: forms,
            problem: errors.isEmpty ? nil : errors.fields["provider"].map { "Provider \($0)." } ?? "Please fix the fields marked below; nothing was saved.")
        return try await staff.render("settings_provider", view, context, notice: notice, status: status)
    }
}

/// The provider page: one form per built-in provider, the one in use open.
struct ProviderForms: Encodable {
    struct Provider: Encodable {
        var id: String
        var current, open: Bool
        var fields: [FormField]
    }
    var tabs: [SettingsTabs.Tab]
    var inUse: String
    var providers: [Provider]
    var problem: String?
}
