import CrierCore
import CrierPluginKit
import CrierStore
import Foundation
import Hummingbird

/// Settings, for owners and managers only: the venue (name, timezone, region, quiet hours, kill
/// switch) here; the provider, templates, staff and API keys each on their own page; and what this
/// server has built in. Changes go through the same operations as the JSON API.
struct SettingsPages: Sendable {
    let staff: StaffPages
    let providers: [any SMSProvider]
    var store: Store { staff.store }

    func register(on web: RouterGroup<CrierRequestContext>) {
        web.get("settings") { request, context in
            _ = try staff.requireManager(context)
            let venue = try context.requireVenue()
            let done = request.uri.queryParameters.get("done") == "saved" ? "Settings saved." : nil
            return try await render(venueForm(VenueForm(venue), errors: FieldErrors()), context, notice: done)
        }
        web.post("settings") { request, context in
            _ = try staff.requireManager(context)
            let form = try await staff.form(request, context)
            let venue = try context.requireVenue()
            let typed = VenueForm(form)
            var errors = FieldErrors()
            let change = VenueChange(
                name: .some(typed.name), timezone: .some(typed.timezone), defaultRegion: .some(typed.defaultRegion),
                quietHours: VenueChange.quietHours(start: typed.quietStart, end: typed.quietEnd, errors: &errors), smsEnabled: typed.smsEnabled,
                staffDownloads: typed.staffDownloads,
                messageRetentionDays: VenueForm.retention(typed.retentionDays, errors: &errors))
            do {
                _ = try await change.save(store: store, venueId: venue.id, actor: context.actor, problems: errors)
                return seeOther("/settings?done=saved")
            } catch let error as CrierError {
                guard let fields = error.fieldMessages else { throw error }
                return try await render(venueForm(typed, errors: fields), context, status: error.formStatus)
            }
        }
    }

    func render(_ view: VenueSettingsForm, _ context: CrierRequestContext, notice: String? = nil, status: HTTPResponse.Status = .ok)
        async throws -> Response
    {
        try await staff.render("settings", view, context, notice: notice, status: status)
    }

    func venueForm(_ typed: VenueForm, errors: FieldErrors) -> VenueSettingsForm {
        VenueSettingsForm(tabs: SettingsTabs.values(current: "venue"), fields: [
            FormField(name: "name", label: "Venue name", value: typed.name, error: errors.fields["name"], required: true),
            FormField(name: "timezone", label: "Timezone", value: typed.timezone, error: errors.fields["timezone"],
                      hint: "Event times are entered, and reminders timed, in this zone.", options: VenueForm.zones.map { ($0, $0) }),
            FormField(name: "default_region", label: "Country for local numbers", value: typed.defaultRegion, error: errors.fields["default_region"],
                      hint: "A mobile typed without +country code is read as this country's.",
                      options: NumberingPlans.supportedRegions.map { code in
                          (code, Locale(identifier: "en_GB").localizedString(forRegionCode: code).map { "\($0) (\(code))" } ?? code)
                      }),
        ], quiet: [
            FormField(name: "quiet_hours.start", label: "From", value: typed.quietStart, type: "time", error: errors.fields["quiet_hours"]),
            FormField(name: "quiet_hours.end", label: "Until", value: typed.quietEnd, type: "time"),
        ], killSwitch: .checkbox(
            name: "sms_enabled", label: "Send texts", checked: typed.smsEnabled,
            hint: "The kill switch: untick to stop every outgoing text at once. Texts due meanwhile are suppressed, not sent later.",
            error: errors.fields["sms_enabled"]), downloads: .checkbox(
            name: "staff_downloads", label: "Staff may download CSV files", checked: typed.staffDownloads,
            hint: "The contact list and timelines download as CSV with every customer's name and mobile. Owners and managers always can (and have Exports); tick to let staff download them too.",
            error: errors.fields["staff_downloads"]), retention: FormField(
            name: "message_retention_days", label: "Keep the words of texts for (days)", value: typed.retentionDays, type: "number",
            error: errors.fields["message_retention_days"],
            hint: "After this many days a text's words are replaced by a marker; when and to whom it went, and its status, stay. Empty keeps them."),
            problem: errors.isEmpty ? nil : "Please fix the fields marked below.")
    }
}

/// The venue's settings form.
struct VenueSettingsForm: Encodable {
    var tabs: [SettingsTabs.Tab]
    var fields, quiet: [FormField]
    var killSwitch, downloads, retention: FormField
    var problem: String?
}

/// The venue form's values, as stored or as typed.
struct VenueForm {
    /// The zones offered: IANA region/city names (what `VenueSettings` accepts), A-Z.
    static let zones = TimeZone.knownTimeZoneIdentifiers.filter { $0.contains("/") || $0 == "UTC" }.sorted()

    var name: String
    var timezone: String
    var defaultRegion: String
    var quietStart: String
    var quietEnd: String
    var smsEnabled: Bool
    var staffDownloads: Bool
    var retentionDays: String

    init(_ venue: Venue) {
        name = venue.name
        timezone = venue.timezone
        defaultRegion = venue.defaultRegion
        quietStart = venue.quietHours?.start.description ?? ""
        quietEnd = venue.quietHours?.end.description ?? ""
        smsEnabled = venue.smsEnabled
        staffDownloads = venue.staffDownloads
        retentionDays = venue.messageRetentionDays.map(String.init) ?? ""
    }

    /// The retention typed: empty keeps texts' words (`.some(nil)`); not a whole number is a field error.
    static func retention(_ text: String, errors: inout FieldErrors) -> Int?? {
        let text = text.trimmingCharacters(in: .whitespaces)
        if text.isEmpty { return .some(nil) }
        guard let days = Int(text) else {
            errors.add("message_retention_days", "must be a whole number of days, or empty to keep texts' words")
            return nil
        }
        return .some(days)
    }

    init(_ form: WebForm) {
        name = form["name"] ?? ""
        timezone = form["timezone"] ?? ""
        defaultRegion = form["default_region"] ?? ""
        quietStart = form["quiet_hours.start"] ?? ""
        quietEnd = form["quiet_hours.end"] ?? ""
        // An unticked checkbox sends nothing.
        smsEnabled = form["sms_enabled"] == "true"
        staffDownloads = form["staff_downloads"] == "true"
        retentionDays = form["message_retention_days"] ?? ""
    }
}

/// The links along the top of every settings page.
enum SettingsTabs {
    static let all = [("venue", "/settings", "Venue"), ("provider", "/settings/provider", "SMS provider"),
                      ("templates", "/settings/templates", "Templates"), ("staff", "/settings/staff", "Staff"),
                      ("api_keys", "/settings/api-keys", "API keys"), ("audit", "/settings/audit", "Audit log"),
                      ("plugins", "/admin/plugins", "Plugins")]

    /// One link; the current page's is marked for screen readers too.
    struct Tab: Encodable {
        var href, label: String
        var current, ownersOnly: Bool
    }

    static func values(current: String) -> [Tab] {
        // The audit log is the owners' (the layout knows who is signed in: `chrome.is_owner`).
        all.map { Tab(href: $0.1, label: $0.2, current: $0.0 == current, ownersOnly: $0.0 == "audit") }
    }
}
