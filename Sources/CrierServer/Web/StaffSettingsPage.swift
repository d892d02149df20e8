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
        let pending: [[String: Any]] = try await store.invitations.pending(venueId: venueId).map {
            ["id": $0.id, "email": $0.email, "role": $0.role.rawValue, "expires": time.dateAndTime($0.expiresAt)]
        }
        let grantable = Role.allCases.filter { $0 != .owner || me.role == .owner }
        let rows: [[String: Any]] = members.map { member in
            ["id": member.userId, "email": member.email, "role": member.role.rawValue, "me": member.userId == me.userId,
             "editable": member.role != .owner || me.role == .owner,
             "roles": grantable.map { ["value": $0.rawValue, "selected": $0 == member.role] as [String: Any] }]
        }
        var data: [String: Any] = ["tabs": SettingsTabs.values(current: "staff"), "members": rows, "invitations": pending, "has_invitations": !pending.isEmpty, "fields": [
            FormField(name: "email", label: "Email", value: typed["email"], type: "email", error: errors.fields["email"],
                      hint: "Crier makes a link for them to accept, shown here once: send it to them yourself.", required: true,
                      autocomplete: "off"),
            FormField(name: "role", label: "Role", value: typed["role"] ?? Role.staff.rawValue, error: errors.fields["role"],
                      hint: "Staff run the day; managers also change settings and staff; owners also manage owners.",
                      options: grantable.map { ($0.rawValue, $0.rawValue) }),
        ].map(\.values)]
        if !errors.isEmpty { data["problem"] = "Please fix the fields marked below." }
        if let (invitation, link) = invited {
            data["invited"] = ["email": invitation.email, "role": invitation.role.rawValue, "link": link,
                               "expires": time.dateAndTime(invitation.expiresAt)]
        }
        return try await staff.render("settings_staff", data, context, notice: notice, status: status)
    }
}
