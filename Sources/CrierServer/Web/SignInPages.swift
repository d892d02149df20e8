import CrierCore
import CrierStore
import Foundation
import Hummingbird
import HummingbirdBcrypt

/// First-run setup, login, logout and switching venue. Before there is a session, forms are
/// protected by a double-submit cookie (`crier_csrf`): a random value in an HttpOnly cookie that
/// the form must repeat, which another site can neither read nor set.
struct SignInPages: Sendable {
    let store: Store
    let pages: WebPages
    let onboarding: StaffOnboarding
    /// Set cookies `Secure` when Crier is reached over https (its public URL says so, or the proxy does).
    let publicURL: String?

    /// How many failed sign-ins are allowed, per email and address (`SignInLimits`).
    var limits = SignInLimits()

    static let csrfCookie = "crier_csrf"

    func register(on web: RouterGroup<CrierRequestContext>) {
        web.get("setup/:token") { request, context in try await setupPage(request, context) }
        web.post("setup/:token") { request, context in try await setup(request, context) }
        web.get("login") { request, context in
            if context.staff != nil { return seeOther("/") }
            return signInForm(request, page: "login", view: SignInForm(fields: loginFields(email: nil, errors: FieldErrors()), next: safeNext(request.uri.queryParameters.get("next"))))
        }
        web.post("login") { request, context in try await login(request, context) }
        web.post("logout") { request, context in
            _ = try await WebForm.read(request, csrf: context.staff?.csrfToken)
            if let token = context.sessionToken { try await store.sessions.end(token: token) }
            var response = seeOther("/login")
            response.setCookie(Cookie(name: StaffSessionMiddleware.cookie, value: "", maxAge: 0, path: "/", secure: secure(request), httpOnly: true, sameSite: .lax))
            return response
        }
        web.post("venue") { request, context in
            let form = try await WebForm.read(request, csrf: context.staff?.csrfToken)
            guard let staff = context.staff, let token = context.sessionToken, let id = form["venue_id"].flatMap(Int64.init) else {
                throw CrierError.notFound("venue")
            }
            try await store.sessions.switchVenue(token: token, userId: staff.userId, venueId: id)
            return seeOther("/")
        }
    }

    func setupPage(_ request: Request, _ context: CrierRequestContext) async throws -> Response {
        let token = context.parameters.get("token") ?? ""
        guard let venueId = try await store.staff.venueForSetupToken(token), try await store.staff.count() == 0,
              let venue = try await store.venues.byID(venueId)
        else { throw CrierError.notFound("setup link (it has been used, or it expired)") }
        return signInForm(request, page: "setup", view: SignInForm(fields: setupFields(email: nil, name: venue.name, timezone: venue.timezone, errors: FieldErrors())))
    }

    func setup(_ request: Request, _ context: CrierRequestContext) async throws -> Response {
        let form = try await WebForm.read(request, csrf: request.cookies[Self.csrfCookie]?.value)
        let token = context.parameters.get("token") ?? ""
        let (email, name, timezone) = (form["email"] ?? "", form["name"] ?? "", form["timezone"] ?? "")
        do {
            let (user, venue) = try await onboarding.completeSetup(
                token: token, email: email, password: form["password"] ?? "", venueName: name, timezone: timezone)
            return try await signedIn(request, userId: user.id, venueId: venue.id, next: "/")
        } catch let error as CrierError {
            guard let fields = error.fieldMessages else { throw error }
            return signInForm(request, page: "setup", view: SignInForm(
                fields: setupFields(email: email, name: name, timezone: timezone, errors: fields), problem: "Please fix the fields marked below."),
                              status: error.formStatus)
        }
    }

    func login(_ request: Request, _ context: CrierRequestContext) async throws -> Response {
        let form = try await WebForm.read(request, csrf: request.cookies[Self.csrfCookie]?.value)
        let email = (form["email"] ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        let next = safeNext(form["next"])
        let address = ClientAddress.of(request, peer: context.peer)
        let wrong = signInForm(request, page: "login", view: SignInForm(
            fields: loginFields(email: email, errors: FieldErrors()), next: next, problem: "That email and password don't match an account."),
                               status: .unauthorized)
        switch try await check(email: email, password: form["password"] ?? "", address: address) {
        case .limited(let limit):
            let problem = (limit == .address ? "Too many failed attempts from this network. " : "Too many failed attempts for this email. ")
                + waitMessage
            return signInForm(request, page: "login", view: SignInForm(fields: loginFields(email: email, errors: FieldErrors()), next: next, problem: problem),
                              status: .tooManyRequests)
        case .wrong:
            return wrong
        case .matched(let user, let attempt):
            guard let first = try await store.staff.memberships(userId: user.id).first else { return wrong }
            try await store.signIns.succeeded(attempt, email: email, address: address)
            return try await signedIn(request, userId: user.id, venueId: first.venueId, next: next)
        }
    }

    /// What checking a password against an account found.
    enum PasswordCheck {
        /// The password is the account's; `attempt` is its reservation, to take back on success.
        case matched(StaffUser, attempt: Int64)
        case wrong
        case limited(SignInLimit)
    }

    /// Checks `password` for the account behind `email`, the attempt counted against the limits
    /// first so simultaneous guesses can't all be checked before any is counted. With no such
    /// account a dummy hash is checked, so timing doesn't tell who has one.
    func check(email: String, password: String, address: String) async throws -> PasswordCheck {
        let attempt: Int64
        switch try await store.signIns.reserve(email: email, address: address, limits: limits) {
        case .success(let id): attempt = id
        case .failure(let refused): return .limited(refused.limit)
        }
        let user = try await store.staff.byEmail(email)
        guard StaffOnboarding.verify(password, hash: user?.passwordHash ?? Self.dummyHash), let user else { return .wrong }
        return .matched(user, attempt: attempt)
    }

    /// What a refused attempt is told to do.
    var waitMessage: String { "Wait \(Int(limits.window / 60)) minutes and try again." }

    /// Starts the session and sends the browser on.
    func signedIn(_ request: Request, userId: Int64, venueId: Int64, next: String) async throws -> Response {
        let token = try await store.sessions.start(userId: userId, venueId: venueId)
        var response = seeOther(next)
        response.setCookie(Cookie(name: StaffSessionMiddleware.cookie, value: token, path: "/", secure: secure(request), httpOnly: true, sameSite: .lax))
        return response
    }

    /// A sign-in page, with the double-submit CSRF cookie set if the browser has none yet.
    func signInForm(_ request: Request, page: String, view: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let existing = request.cookies[Self.csrfCookie]?.value
        let csrf = existing ?? Secret.random(prefix: "")
        var response = pages.render(page, view, chrome: WebPages.Chrome(csrfToken: csrf), status: status)
        if existing == nil {
            response.setCookie(Cookie(name: Self.csrfCookie, value: csrf, path: "/", secure: secure(request), httpOnly: true, sameSite: .lax))
        }
        return response
    }

    func setupFields(email: String?, name: String?, timezone: String?, errors: FieldErrors) -> [FormField] {
        [FormField(name: "email", label: "Your email", value: email, type: "email", error: errors.fields["email"], required: true, autocomplete: "username"),
         FormField(name: "password", label: "Password", type: "password", error: errors.fields["password"],
                   hint: "At least \(StaffOnboarding.minimumPasswordLength) characters.", required: true, autocomplete: "new-password"),
         FormField(name: "name", label: "Venue name", value: name, error: errors.fields["name"], required: true),
         FormField(name: "timezone", label: "Time zone", value: timezone, error: errors.fields["timezone"],
                   hint: "Event times are entered, and reminders timed, in this zone.", options: VenueForm.zones.map { ($0, $0) })]
    }

    func loginFields(email: String?, errors: FieldErrors) -> [FormField] {
        [FormField(name: "email", label: "Email", value: email, type: "email", required: true, autocomplete: "username"),
         FormField(name: "password", label: "Password", type: "password", required: true, autocomplete: "current-password")]
    }

    /// Only a path on this site: `next` must not send someone elsewhere after signing in. Browsers
    /// drop tabs and newlines from a URL and read `\\` as `/`, so `/\t/evil.example` is
    /// `//evil.example` to them: the path is judged as they will read it.
    func safeNext(_ next: String?) -> String {
        guard let next else { return "/" }
        let read = String(next.unicodeScalars.filter { $0 != "\t" && $0 != "\n" && $0 != "\r" }).replacingOccurrences(of: "\\", with: "/")
        guard read.hasPrefix("/"), !read.hasPrefix("//"), !read.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }),
              let parsed = URLComponents(string: read), parsed.scheme == nil, parsed.host == nil, parsed.path.hasPrefix("/")
        else { return "/" }
        return read
    }

    func secure(_ request: Request) -> Bool {
        SecurityHeaders.servedOverHTTPS(request, publicURL: publicURL)
    }

    /// A bcrypt hash of nothing anyone knows, checked when the email has no account (made once, when first needed).
    static let dummyHash = Bcrypt.hash(Secret.random(prefix: ""), cost: 12)
}

/// The sign-in and first-setup forms.
struct SignInForm: Encodable {
    var fields: [FormField]
    /// Where to go once signed in (sign-in only).
    var next: String?
    var problem: String?
}
