import CrierCore
import CrierStore
import Hummingbird

/// `/settings/staff`: who may sign in to the venue, and as what. Owners and managers invite people
/// (a one-time link to pass on; the invited person accepts it) and change roles; who may touch an
/// owner, and that the last owner stays, are the store's rules.
struct StaffSettingsPage: Sendable {
    let staff: StaffPages
    /// Where invitation links point: the public URL, or the host the manager's browser used.
    let publicURL: String?
    var store: Store { staff.store }

    func register(on web: RouterGroup<CrierRequestContext>) {
        web.get("settings/staff") { request, context in
            _ = try staff.requireManager(context)
            let notice = ["withdrawn": "Invitation withdrawn: its link no longer works.", "role": "Role changed.", "removed": "Removed from the staff."][
                request.uri.queryParameters.get("done").map { String($0) } ?? ""]
            return try await render(context, typed: [:], errors: FieldErrors(), notice: notice)
        }
        web.post("settings/staff") { request, context in
            let me = try staff.requireManager(context)
            let form = try await staff.form(request, context)
            let venue = try context.requireVenue()
            do {
                var errors = FieldErrors()
                guard let email = StaffUser.validEmail(form["email"] ?? "", errors: &errors) else {
                    if errors.isEmpty { errors.add("email", "is required") }
                    throw CrierError.invalid(errors)
                }
                // The same answer whether or not the email has an account: the link's holder finds out.
                let (invitation, token) = try await store.invitations.invite(
                    venueId: venue.id, email: email, role: try Self.role(form["role"]), by: me.role, actor: context.actor)
                let link = Self.base(request, publicURL: publicURL) + "/invite/" + token
                return try await render(context, typed: [:], errors: FieldErrors(), invited: (invitation, link), status: .created)
            } catch let error as CrierError {
                guard let fields = error.fieldMessages else { throw error }
                return try await render(context, typed: form.fields, errors: fields, status: error.formStatus)
            }
        }
        web.post("settings/staff/invitations/:id/revoke") { request, context in
            _ = try staff.requireManager(context)
            _ = try await staff.form(request, context)
            try await store.invitations.revoke(
                venueId: try context.requireVenue().id, id: try context.pathID("id", "invitation"), actor: context.actor)
            return seeOther("/settings/staff?done=withdrawn")
        }
        web.post("settings/staff/:id/role") { request, context in
            let me = try staff.requireManager(context)
            let form = try await staff.form(request, context)
            try await store.staff.setRole(venueId: try context.requireVenue().id, userId: try context.pathID("id", "staff member"),
                                          role: try Self.role(form["role"]), by: me.role, actor: context.actor)
            return seeOther("/settings/staff?done=role")
        }
        web.post("settings/staff/:id/remove") { request, context in
            let me = try staff.requireManager(context)
            _ = try await staff.form(request, context)
            let userId = try context.pathID("id", "staff member")
            try await store.staff.removeMember(venueId: try context.requireVenue().id, userId: userId, by: me.role, actor: context.actor)
            // Removing yourself ends your access here: the session no longer opens this venue.
            return seeOther(userId == me.userId ? "/login" : "/settings/staff?done=removed")
        }
    }

    /// A role from the form (who may grant it is the store's rule).
    static func role(_ text: String?) throws(CrierError) -> Role {
        guard let role = text.flatMap(Role.init(rawValue:)) else {
            throw .invalid(FieldErrors("role", "must be one of " + Role.allCases.map(\.rawValue).joined(separator: ", ")))
        }
        return role
    }

    /// `https://crier.example`: the configured public URL, else the scheme and host of this request.
    static func base(_ request: Request, publicURL: String?) -> String {
        if let publicURL { return publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL }
        let scheme = SecurityHeaders.servedOverHTTPS(request, publicURL: nil) ? "https" : "http"
        return scheme + "://" + (request.head.authority ?? "localhost")
    }

    func render(_ context: CrierRequestContext, typed: [String: String], errors: FieldErrors, notice: String? = nil,
                invited: (StaffInvitation, String)? = nil, status: HTTPResponse.Status = .ok) async throws -> Response
    {
        let me = try staff.requireManager(context)
        let venueId = try context.requireVenue().id
        let members = try await store.staff.members(venueId: venueId)
        let time = try staff.time(context)
        let pending = try await store.invitations.pending(venueId: venueId).map {
            StaffList.Invitation(id: $0.id, email: $0.email, role: $0.role.rawValue, expires: time.dateAndTime($0.expiresAt))
        }
        let grantable = Role.allCases.filter { $0 != .owner || me.role == .owner }
        let rows = members.map { member in
            StaffList.Member(id: member.userId, email: member.email, role: member.role.rawValue, me: member.userId == me.userId,
                             editable: member.role != .owner || me.role == .owner,
                             roles: grantable.map { Choice(value: $0.rawValue, label: $0.rawValue, selected: $0 == member.role) })
        }
        let view = StaffList(tabs: SettingsTabs.values(current: "staff"), members: rows, invitations: pending, hasInvitations: !pending.isEmpty, fields: [
            FormField(name: "email", label: "Email", value: typed["email"], type: "email", error: errors.fields["email"],
                      hint: "Crier makes a link for them to accept, shown here once: send it to them yourself.", required: true,
                      autocomplete: "off"),
            FormField(name: "role", label: "Role", value: typed["role"] ?? Role.staff.rawValue, error: errors.fields["role"],
                      hint: "Staff run the day; managers also change settings and staff; owners also manage owners.",
                      options: grantable.map { ($0.rawValue, $0.rawValue) }),
        ], problem: errors.isEmpty ? nil : "Please fix the fields marked below.",
           invited: invited.map { invitation, link in
               .init(email: invitation.email, role: invitation.role.rawValue, link: link, expires: time.dateAndTime(invitation.expiresAt))
           })
        return try await staff.render("settings_staff", view, context, notice: notice, status: status)
    }
}

/// The venue's staff, their pending invitations, and the invitation form.
struct StaffList: Encodable {
    struct Member: Encodable {
        var id: Int64
        var email, role: String
        var me, editable: Bool
        var roles: [Choice]
    }
    struct Invitation: Encodable {
        var id: Int64
        var email, role, expires: String
    }
    /// A link just made, shown once.
    struct Invited: Encodable { var email, role, link, expires: String }
    var tabs: [SettingsTabs.Tab]
    var members: [Member]
    var invitations: [Invitation]
    var hasInvitations: Bool
    var fields: [FormField]
    var problem: String?
    var invited: Invited?
}
