import CrierCore
import CrierPluginKit
import CrierStore
import Hummingbird

/// The staff web form: server-rendered pages on the same store operations as the JSON API (one
/// path for validation and storage). Every page but sign-in needs a session; every form a CSRF token.
struct WebRoutes: Sendable {
    let store: Store
    let pages: WebPages
    let onboarding: StaffOnboarding
    let publicURL: String?
    /// The SMS providers built in, and the templates' renderer (settings pages use both).
    let providers: [any SMSProvider]
    let renderer: SMSRenderer
    /// Called after provider settings or templates change (webhooks forget what they cached).
    let changed: @Sendable () -> Void
    /// The loaded plugins: their pages, navigation entries and customer-page panels.
    let plugins: PluginHost

    func register(on router: Router<CrierRequestContext>, api: DocumentedRoutes) {
        let css = pages.stylesheet
        router.get("static/crier.css") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=3600"],
                     body: .init(byteBuffer: ByteBuffer(string: css)))
        }
        let web = router.group().add(middleware: StaffSessionMiddleware(store: store))
        let signIn = SignInPages(store: store, pages: pages, onboarding: onboarding, publicURL: publicURL)
        signIn.register(on: web)
        InvitationPages(signIn: signIn).register(on: web)
        let pages = StaffPages(store: store, pages: self.pages, plugins: plugins)
        DashboardPage(staff: pages).register(on: web)
        CustomerPages(staff: pages).register(on: web)
        EventPages(staff: pages).register(on: web)
        BookingPages(staff: pages).register(on: web)
        InboxPages(staff: pages).register(on: web)
        MessagePages(staff: pages).register(on: web)
        SettingsPages(staff: pages, providers: providers).register(on: web)
        ProviderSettingsPage(staff: pages, change: ProviderChange(store: store, providers: providers, changed: changed)).register(on: web)
        TemplateSettingsPages(staff: pages, renderer: renderer, changed: changed).register(on: web)
        StaffSettingsPage(staff: pages, publicURL: publicURL).register(on: web)
        AuditLogPage(staff: pages).register(on: web)
        CustomerErasurePages(staff: pages).register(on: web)
        APIKeySettingsPage(staff: pages).register(on: web)
        PluginAdminRoutes(staff: pages, providers: providers).register(web: web, api: api)
        PluginRoutes(host: plugins, staff: pages).register(api: api, web: web)
    }
}

/// What every signed-in page needs: the store, the templates, and the layout's details.
struct StaffPages: Sendable {
    let store: Store
    let pages: WebPages
    let plugins: PluginHost

    /// Renders a page for the signed-in staff member (their venue, venues, unread count, token).
    func render(_ page: String, _ view: some Encodable, _ context: CrierRequestContext, notice: String? = nil,
                status: HTTPResponse.Status = .ok) async throws -> Response {
        let session = try requireStaff(context)
        let venue = try context.requireVenue()
        let memberships = try await store.staff.memberships(userId: session.userId)
        var venues: [Venue] = []
        if memberships.count > 1 {
            for membership in memberships { if let venue = try await store.venues.byID(membership.venueId) { venues.append(venue) } }
        }
        let unread = try await store.inbox.unreadCount(venueId: venue.id)
        let navigation = plugins.plugins.flatMap(\.navigation).filter { !$0.managersOnly || session.canManage }
        return pages.render(page, view, chrome: WebPages.Chrome(
            session: session, venue: venue, venues: venues, unread: unread, csrfToken: session.csrfToken, notice: notice,
            navigation: navigation), status: status)
    }

    /// The loaded plugins' sections for a customer's page. A panel that fails is shown as such, and
    /// logged: the rest of the customer's page is still worth having.
    func customerPanels(customerId: Int64, _ context: CrierRequestContext) async throws -> [CustomerSection] {
        let session = try requireStaff(context)
        var panels: [CustomerSection] = []
        let withPanels = plugins.plugins.filter { !$0.panels.isEmpty }
        guard !withPanels.isEmpty else { return panels }
        let caller = try await caller(context, session: session)
        for plugin in withPanels {
            let services = plugins.services(for: plugin.id, store: store)
            for panel in plugin.panels {
                do {
                    panels.append(CustomerSection(title: panel.title, html: try await panel.render(customerId, caller, services), failed: false))
                } catch {
                    services.logger.error("customer panel failed", metadata: ["panel": "\(panel.title)", "error": "\(error)"])
                    panels.append(CustomerSection(title: panel.title, html: nil, failed: true))
                }
            }
        }
        return panels
    }

    /// The signed-in staff member as a plugin sees them: the venue in view and every venue they belong to.
    func caller(_ context: CrierRequestContext, session: StaffSession) async throws -> PluginCaller {
        let venueIds = try await store.staff.memberships(userId: session.userId).map(\.venueId)
        return PluginCaller(
            venueId: session.venueId, venueIds: venueIds, actor: context.actor, actorName: session.email, role: session.role, canWrite: true,
            csrfToken: session.csrfToken, canDownload: Self.mayDownload(session, venue: try context.requireVenue()))
    }

    /// CSV downloads are for owners and managers, and for the staff role when the venue allows it.
    static func mayDownload(_ session: StaffSession, venue: Venue) -> Bool { session.canManage || venue.staffDownloads }

    /// What a caller who may not download is told, for every CSV (core and plugins').
    static let downloadRefused = CrierError.forbidden(
        "Only the venue's owners and managers can download these files, unless the venue lets staff too (Settings).")

    func requireStaff(_ context: CrierRequestContext) throws -> StaffSession {
        guard let staff = context.staff else { throw CrierError.forbidden("Log in first.") }
        return staff
    }

    /// The session of an owner or manager: settings and staff are theirs to change.
    func requireManager(_ context: CrierRequestContext) throws -> StaffSession {
        let staff = try requireStaff(context)
        guard staff.canManage else { throw CrierError.forbidden("Only the venue's owners and managers can see and change settings.") }
        return staff
    }

    /// Reads a POSTed form, checking it carries this session's CSRF token.
    func form(_ request: Request, _ context: CrierRequestContext) async throws -> WebForm {
        try await WebForm.read(request, csrf: context.staff?.csrfToken)
    }

    /// Instants as this venue's pages show them.
    func time(_ context: CrierRequestContext) throws -> PageTime { PageTime(zone: try context.requireVenue().timeZone, now: store.clock.now()) }
}
