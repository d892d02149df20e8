import CrierCore
import CrierStore
import Foundation
import Hummingbird

/// `/invite/{token}`: the one-time link a manager passes on. Its holder sees which venue and role,
/// then accepts: someone new chooses a password; someone with an account signs in with theirs
/// (the same attempt limits as the login form). Only then are they on the staff, and signed in
/// to that venue. A used, withdrawn or expired link is a 404.
struct InvitationPages: Sendable {
    let signIn: SignInPages
    var store: Store { signIn.store }

    func register(on web: RouterGroup<CrierRequestContext>) {
        web.get("invite/:token") { request, context in
            let offer = try await offer(context)
            return form(request, offer, errors: FieldErrors())
        }
        web.post("invite/:token") { request, context in try await accept(request, context) }
    }

    func offer(_ context: CrierRequestContext) async throws -> InvitationOffer {
        guard let offer = try await store.invitations.offer(token: context.parameters.get("token") ?? "") else {
            throw CrierError.notFound("invitation (it has been used, withdrawn, or it expired)")
        }
        return offer
    }

    func accept(_ request: Request, _ context: CrierRequestContext) async throws -> Response {
        let form = try await WebForm.read(request, csrf: request.cookies[SignInPages.csrfCookie]?.value)
        let token = context.parameters.get("token") ?? ""
        let offer = try await offer(context)
        let email = offer.invitation.email, password = form["password"] ?? ""
        do {
            let acceptance: InvitationAcceptance
            if offer.hasAccount {
                acceptance = .existingAccount(userId: try await checkPassword(request, context, email: email, password: password))
            } else {
                guard password == form["password_again"] else {
                    throw CrierError.invalid(FieldErrors("password_again", "does not match the password"))
                }
                let (_, hash) = try signIn.onboarding.credentials(email: email, password: password)
                acceptance = .newAccount(passwordHash: hash)
            }
            let (user, venueId) = try await store.invitations.accept(token: token, as: acceptance)
            return try await signIn.signedIn(request, userId: user.id, venueId: venueId, next: "/")
        } catch let refused as Refused {
            return self.form(request, offer, errors: FieldErrors(), problem: refused.problem, status: refused.status)
        } catch let error as CrierError {
            guard let fields = error.fieldMessages else { throw error }
            return self.form(request, offer, errors: fields, status: error.formStatus)
        }
    }

    /// The existing account's id once its password matches, counted like a login attempt.
    func checkPassword(_ request: Request, _ context: CrierRequestContext, email: String, password: String) async throws -> Int64 {
        let address = ClientAddress.of(request, peer: context.peer)
        switch try await signIn.check(email: email, password: password, address: address) {
        case .limited: throw Refused(problem: "Too many failed attempts. " + signIn.waitMessage, status: .tooManyRequests)
        case .wrong: throw Refused(problem: "That is not the password of \(email).", status: .unauthorized)
        case .matched(let user, let attempt):
            try await store.signIns.succeeded(attempt, email: email, address: address)
            return user.id
        }
    }

    /// A wrong or rate-limited password: the form again, with why.
    struct Refused: Error {
        let problem: String
        let status: HTTPResponse.Status
    }

    func form(_ request: Request, _ offer: InvitationOffer, errors: FieldErrors, problem: String? = nil, status: HTTPResponse.Status = .ok)
        -> Response
    {
        let email = offer.invitation.email
        let fields: [FormField] = offer.hasAccount
            ? [FormField(name: "password", label: "Your password", type: "password", error: errors.fields["password"],
                         hint: "The one you sign in to Crier with as \(email).", required: true, autocomplete: "current-password")]
            : [FormField(name: "password", label: "Choose a password", type: "password", error: errors.fields["password"],
                         hint: "At least \(StaffOnboarding.minimumPasswordLength) characters.", required: true, autocomplete: "new-password"),
               FormField(name: "password_again", label: "The password again", type: "password", error: errors.fields["password_again"],
                         required: true, autocomplete: "new-password")]
        let view = InvitationForm(
            venue: offer.venueName, role: offer.invitation.role.rawValue, email: email, hasAccount: offer.hasAccount,
            expires: PageTime(zone: offer.venueTimeZone, now: signIn.store.clock.now()).dateAndTime(offer.invitation.expiresAt),
            fields: fields, problem: problem ?? (errors.isEmpty ? nil : "Please fix the fields marked below."))
        return signIn.signInForm(request, page: "invitation", view: view, status: status)
    }
}

/// Accepting an invitation: which venue, as what, and the password to give.
struct InvitationForm: Encodable {
    var venue, role, email: String
    var hasAccount: Bool
    var expires: String
    var fields: [FormField]
    var problem: String?
}
