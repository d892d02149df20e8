import CrierCore
import CrierPluginKit
import CrierStore
import CrierTemplates
import Hummingbird
import Mustache

/// The web form's pages: Mustache templates from `Templates/web/`, HTML-escaped by default (a
/// customer named `<script>` is shown as text), each wrapped in the layout with the signed-in
/// person's venue, navigation and CSRF token.
struct WebPages: Sendable {
    let library: MustacheLibrary
    let stylesheet: String

    init() throws {
        var templates: [String: MustacheTemplate] = [:]
        for (name, text) in try DefaultTemplates.web() { templates[name] = try MustacheTemplate(string: text) }
        library = MustacheLibrary(templates: templates)
        stylesheet = try DefaultTemplates.stylesheet()
    }

    /// Renders `page` with `data` plus what every page shows (`chrome`).
    func render(_ page: String, _ data: [String: Any], chrome: Chrome, status: HTTPResponse.Status = .ok) -> Response {
        var all = chrome.values
        for (key, value) in data { all[key] = value }
        let html = library.render(all, withTemplate: page) ?? "<!doctype html><title>Crier</title><p>Missing page \(page).</p>"
        return Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store", .init("X-Frame-Options")!: "DENY",
                      .init("Content-Security-Policy")!: "default-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'"],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// What the layout shows around every page.
    struct Chrome: Sendable {
        var session: StaffSession?
        var venue: Venue?
        var venues: [Venue] = []
        var unread = 0
        /// The CSRF token forms carry: the session's, or the sign-in cookie's before there is one.
        var csrfToken: String
        var notice: String?
        /// Links the loaded plugins add to the navigation.
        var navigation: [NavigationEntry] = []

        var values: [String: Any] {
            var values: [String: Any] = ["csrf_token": csrfToken]
            if let notice { values["notice"] = notice }
            if let session {
                values["signed_in"] = true
                values["user_email"] = session.email
                values["can_manage"] = session.canManage
                values["is_owner"] = session.role == .owner
                values["unread"] = unread > 0 ? unread : false
                values["switch_venues"] = venues.count > 1
                values["venues"] = venues.map { ["id": $0.id, "name": $0.name, "current": $0.id == session.venueId] as [String: Any] }
            }
            if let venue { values["venue_name"] = venue.name }
            values["plugin_nav"] = navigation.map { ["title": $0.title, "path": $0.path] }
            return values
        }
    }
}

/// One input of a form, as `field.mustache` shows it: its label, what was typed, and its error.
struct FormField {
    var name: String
    var label: String
    var value: String?
    var type = "text"
    var error: String?
    var hint: String?
    var required = false
    var autocomplete: String?
    var textarea = false
    var min: String?
    /// A `<select>`'s choices as (value, label); the one equal to `value` is selected.
    var options: [(value: String, label: String)]?

    /// A checkbox: sent as "true" when ticked, absent when not.
    static func checkbox(name: String, label: String, checked: Bool, hint: String? = nil, error: String? = nil) -> FormField {
        FormField(name: name, label: label, value: checked ? "true" : nil, type: "checkbox", error: error, hint: hint)
    }

    var values: [String: Any] {
        var values: [String: Any] = ["name": name, "label": label, "type": type, "value": value ?? "", "required": required,
                                     "textarea": textarea, "checkbox": type == "checkbox", "checked": type == "checkbox" && value != nil]
        if let options {
            values["select"] = true
            values["options"] = options.map { ["value": $0.value, "label": $0.label, "selected": $0.value == value] as [String: Any] }
        }
        values["input"] = !textarea && options == nil && type != "checkbox"
        if let error { values["error"] = error }
        if let hint { values["hint"] = hint }
        if let autocomplete { values["autocomplete"] = autocomplete }
        if let min { values["min"] = min }
        return values
    }
}
