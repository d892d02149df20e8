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

    func register(on router: Router<CrierRequestContext>) {
        let css = pages.stylesheet
        router.get("static/crier.css") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=3600"],
                     body: .init(byteBuffer: ByteBuffer(string: css)))
        }
        let web = router.group().add(middleware: StaffSessionMiddleware(store: store))
        SignInPages(store: store, pages: pages, onboarding: onboarding, publicURL: publicURL).register(on: web)
        let pages = StaffPages(store: store, pages: self.pages)
        DashboardPage(staff: pages).register(on: web)
        CustomerPages(staff: pages).register(on: web)
        EventPages(staff: pages).register(on: web)
        BookingPages(staff: pages).register(on: web)
        InboxPages(staff: pages).register(on: web)
        MessagePages(staff: pages).register(on: web)
        SettingsPages(staff: pages, providers: providers).register(on: web)
        ProviderSettingsPage(staff: pages, change: ProviderChange(store: store, providers: providers, changed: changed)).register(on: web)
        TemplateSettingsPages(staff: pages, renderer: renderer, changed: changed).register(on: web)
        StaffSettingsPage(staff: pages, onboarding: onboarding).register(on: web)
        APIKeySettingsPage(staff: pages).register(on: web)
    }
}

/// What every signed-in page needs: the store, the templates, and the layout's details.
struct StaffPages: Sendable {
    let store: Store
    let pages: WebPages

    /// Renders a page for the signed-in staff member (their venue, venues, unread count, token).
    func render(_ page: String, _ data: [String: Any], _ context: CrierRequestContext, notice: String? = nil,
                status: HTTPResponse.Status = .ok) async throws -> Response {
        let session = try requireStaff(context)
        let venue = try context.requireVenue()
        let memberships = try await store.staff.memberships(userId: session.userId)
        var venues: [Venue] = []
        if memberships.count > 1 {
            for membership in memberships { if let venue = try await store.venues.byID(membership.venueId) { venues.append(venue) } }
        }
        let unread = try await store.inbox.unreadCount(venueId: venue.id)
        return pages.render(page, data, chrome: WebPages.Chrome(
            session: session, venue: venue, venues: venues, unread: unread, csrfToken: session.csrfToken, notice: notice), status: status)
    }

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

    func time(_ context: CrierRequestContext) throws -> HumanTime { HumanTime(zone: try context.requireVenue().timeZone) }
}
