import CrierCore
import CrierStore
import Hummingbird

/// `/settings/templates`: the venue's SMS wording. Each template can be edited with a preview on
/// submit (the text as it would arrive, its encoding and how many segments it costs), saved once it
/// passes the same strict check as the API, or reset to the bundled default.
struct TemplateSettingsPages: Sendable {
    let staff: StaffPages
    let renderer: SMSRenderer
    /// Called after a change (webhook acknowledgements cache the wording).
    let changed: @Sendable () -> Void
    var store: Store { staff.store }

    static let descriptions = [
        "confirmation": "Confirmation: sent when a booking is made",
        "confirmation_reminder_only": "Confirmation of a reminder-only booking (0 seats)",
        "booking_changed": "Booking changed: seats or notes",
        "booking_cancelled": "Booking cancelled (also sent to attendees when an event is cancelled with texts)",
        "reminder_7d": "Reminder 7 days before", "reminder_7d_reminder_only": "Reminder 7 days before, reminder-only booking",
        "reminder_24h": "Reminder 24 hours before", "reminder_24h_reminder_only": "Reminder 24 hours before, reminder-only booking",
        "opt_out_ack": "Answer to STOP", "opt_in_ack": "Answer to START", "help": "Answer to HELP",
    ]

    func register(on web: RouterGroup<CrierRequestContext>) {
        web.get("settings/templates") { _, context in
            _ = try staff.requireManager(context)
            let overrides = try await store.templates.overrides(venueId: try context.requireVenue().id)
            let rows = MessageKind.allCases.flatMap { TemplateRules.names(for: $0) }.map { name in
                TemplateList.Row(name: name, description: Self.descriptions[name] ?? name, custom: overrides[name] != nil,
                                 text: overrides[name] ?? renderer.defaults[name] ?? "")
            }
            return try await staff.render("settings_templates", TemplateList(tabs: SettingsTabs.values(current: "templates"), templates: rows), context)
        }
        web.get("settings/templates/:name") { request, context in
            _ = try staff.requireManager(context)
            let (name, kind) = try context.templateName()
            let override = try await store.templates.overrides(venueId: try context.requireVenue().id)[name]
            let notice = ["saved": "Template saved.", "reset": "Back to the default wording."][request.uri.queryParameters.get("done").map { String($0) } ?? ""]
            return try await page(name, kind: kind, body: override ?? renderer.defaults[name] ?? "", custom: override != nil, error: nil, context,
                                  notice: notice)
        }
        web.post("settings/templates/:name") { request, context in
            _ = try staff.requireManager(context)
            let form = try await staff.form(request, context)
            let venue = try context.requireVenue()
            let (name, kind) = try context.templateName()
            let body = form["body"] ?? ""
            let custom = try await store.templates.overrides(venueId: venue.id)[name] != nil
            guard form["action"] == "save" else {
                return try await page(name, kind: kind, body: body, custom: custom, error: nil, context)
            }
            do {
                // Rendering first catches what only a render shows (a field with no sample value).
                _ = try TemplatePreview.render(body, name: name, kind: kind, venue: venue, renderer: renderer, now: store.clock.now())
                try await store.templates.set(venueId: venue.id, name: name, body: body, actor: context.actor)
                changed()
                return seeOther("/settings/templates/\(name)?done=saved")
            } catch let error as CrierError {
                guard let fields = error.fieldMessages else { throw error }
                return try await page(name, kind: kind, body: body, custom: custom, error: fields.fields["body"], context, status: error.formStatus)
            }
        }
        web.post("settings/templates/:name/reset") { request, context in
            _ = try staff.requireManager(context)
            _ = try await staff.form(request, context)
            let (name, _) = try context.templateName()
            try await store.templates.reset(venueId: try context.requireVenue().id, name: name, actor: context.actor)
            changed()
            return seeOther("/settings/templates/\(name)?done=reset")
        }
    }

    /// The edit page, with the preview of `body` (or why it can't be sent).
    func page(_ name: String, kind: MessageKind, body: String, custom: Bool, error: String?, _ context: CrierRequestContext,
              notice: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response
    {
        let venue = try context.requireVenue()
        var view = TemplateEditor(
            tabs: SettingsTabs.values(current: "templates"), name: name, description: Self.descriptions[name] ?? name, custom: custom,
            fields: TemplateRules.fields(for: kind).sorted().map { "{{\($0)}}" }.joined(separator: " "),
            defaultWording: renderer.defaults[name] ?? "",
            body: FormField(name: "body", label: "Wording", value: body, error: error, textarea: true))
        do {
            let preview = try TemplatePreview.render(body, name: name, kind: kind, venue: venue, renderer: renderer, now: store.clock.now())
            let m = preview.measurement
            view.preview = .init(text: preview.text, encoding: m.encoding == .gsm7 ? "GSM-7" : "UCS-2 (Unicode)", characters: m.characters,
                                 segments: m.segments, unicode: m.encoding != .gsm7)
        } catch let failure {
            if error == nil { view.previewProblem = failure.fieldMessages?.fields["body"] ?? failure.message }
        }
        return try await staff.render("settings_template", view, context, notice: notice, status: status)
    }
}

/// Every template with its wording.
struct TemplateList: Encodable {
    struct Row: Encodable {
        var name, description: String
        var custom: Bool
        var text: String
    }
    var tabs: [SettingsTabs.Tab]
    var templates: [Row]
}

/// One template's wording, with the preview of what was typed (or why it cannot be sent).
struct TemplateEditor: Encodable {
    struct Preview: Encodable {
        var text, encoding: String
        var characters, segments: Int
        var unicode: Bool
    }
    var tabs: [SettingsTabs.Tab]
    var name, description: String
    var custom: Bool
    /// The fields the wording may use, as `{{field}}`.
    var fields: String
    var defaultWording: String
    var body: FormField
    var preview: Preview?
    var previewProblem: String?
}
