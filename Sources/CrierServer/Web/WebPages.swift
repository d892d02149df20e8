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

    /// Renders `page` with its view (a struct per page) and the layout's data under `chrome`.
    func render(_ page: String, _ view: some Encodable, chrome: Chrome, status: HTTPResponse.Status = .ok) -> Response {
        let context = TemplateEncoder.context(view).adding("chrome", TemplateEncoder.context(chrome.view))
        let html = library.render(context, withTemplate: page) ?? "<!doctype html><title>Crier</title><p>Missing page \(page).</p>"
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

        var view: ChromeView {
            ChromeView(
                csrfToken: csrfToken, notice: notice, signedIn: session != nil, userEmail: session?.email, canManage: session?.canManage ?? false,
                isOwner: session?.role == .owner, unreadCount: unread > 0 ? unread : nil, switchVenues: venues.count > 1,
                venues: venues.map { ChromeView.VenueChoice(id: $0.id, name: $0.name, current: $0.id == session?.venueId) },
                venueName: venue?.name, pluginNav: navigation.map { ChromeView.Link(title: $0.title, path: $0.path) })
        }
    }
}

/// The layout's data, which every template reaches as `chrome.…`: who is signed in, where, the
/// navigation with the Inbox's unread count, the CSRF token and a notice.
struct ChromeView: Encodable {
    struct VenueChoice: Encodable { var id: Int64; var name: String; var current: Bool }
    struct Link: Encodable { var title: String; var path: String }
    var csrfToken: String
    var notice: String?
    var signedIn: Bool
    var userEmail: String?
    var canManage: Bool
    var isOwner: Bool
    /// Unread replies; nil when there are none (no badge).
    var unreadCount: Int?
    var switchVenues: Bool
    var venues: [VenueChoice]
    var venueName: String?
    var pluginNav: [Link]
}

/// One input of a form, as `field.mustache` shows it: its label, what was typed, and its error.
struct FormField: Encodable {
    /// The element's id, when the name is not unique on the page.
    var id: String?
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
        FormField(id: nil, name: name, label: label, value: checked ? "true" : nil, type: "checkbox", error: error, hint: hint)
    }

    /// How `field.mustache` sees it.
    struct View: Encodable {
        struct Option: Encodable { var value: String; var label: String; var selected: Bool }
        var id, name, label, type, value: String
        var required, textarea, checkbox, checked, select, input: Bool
        var options: [Option]
        var error, hint, autocomplete, min: String?
        /// The ids of the error and hint, which the input names as its description.
        var describedBy: String?
    }

    var view: View {
        let id = id ?? name
        let described = [error.map { _ in id + "-error" }, hint.map { _ in id + "-hint" }].compactMap { $0 }
        return View(
            id: id, name: name, label: label, type: type, value: value ?? "", required: required, textarea: textarea, checkbox: type == "checkbox",
            checked: type == "checkbox" && value != nil, select: options != nil, input: !textarea && options == nil && type != "checkbox",
            options: (options ?? []).map { View.Option(value: $0.value, label: $0.label, selected: $0.value == value) },
            error: error, hint: hint, autocomplete: autocomplete, min: min, describedBy: described.isEmpty ? nil : described.joined(separator: " "))
    }

    func encode(to encoder: any Encoder) throws { try view.encode(to: encoder) }
}
