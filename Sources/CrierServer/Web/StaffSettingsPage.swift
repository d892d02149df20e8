import CrierCore
import CrierStore
import Hummingbird

/// `/settings/staff`: who may sign in to the venue, and as what. Owners and managers add people
/// and change roles; who may touch an owner, and that the last owner stays, are the store's rules.
struct StaffSettingsPage: Sendable {
    let staff: StaffPages
    let onboarding: StaffOnboarding
    var store: Store { staff.store }

    func register(on web: RouterGroup<CrierRequestContext>) {
        web.get("settings/staff") { request, context in
            _ = try staff.requireManager(context)
            let notice = ["added": "Added to the staff.", "role": "Role changed.", "removed": "Removed from the staff."][
                request.uri.queryParameters.get("done").map { String($0) } ?? ""]
            return try await render(context, typed: [:], errors: FieldErrors(), notice: notice)
        }
        web.post("settings/staff") { request, context in
            let me = try staff.requireManager(context)
            let form = try await staff.form(request, context)
            let venue = try context.requireVenue()
            do {
                _ = try await onboarding.addStaff(email: form["email"] ?? "", password: form["password"] ?? "", venue: venue,
                                                  role: try Self.role(form["role"]), by: me.role, actor: context.actor)
                return seeOther("/settings/staff?done=added")
            } catch let error as CrierError {
                guard let fields = error.fieldMessages else { throw error }
                return try await render(context, typed: form.fields, errors: fields, status: error.formStatus)
            }
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

    func render(_ context: CrierRequestContext, typed: [String: String], errors: FieldErrors, notice: String? = nil,
                status: HTTPResponse.Status = .ok) async throws -> Response
    {
        let me = try staff.requireManager(context)
        let members = try await store.staff.members(venueId: try context.requireVenue().id)
        let grantable = Role.allCases.filter { $0 != .owner || me.role == .owner }
        let rows: [[String: Any]] = members.map { member in
            ["id": member.userId, "email": member.email, "role": member.role.rawValue, "me": member.userId == me.userId,
             "editable": member.role != .owner || me.role == .owner,
             "roles": grantable.map { ["value": $0.rawValue, "selected": $0 == member.role] as [String: Any] }]
        }
        var data: [String: Any] = ["tabs": SettingsTabs.values(current: "staff"), "members": rows, "fields": [
            FormField(name: "email", label: "Email", value: typed["email"], type: "email", error: errors.fields["email"], required: true,
                      autocomplete: "off"),
            FormField(name: "password", label: "Password", type: "password", error: errors.fields["password"],
                      hint: "For someone new to Crier: at least \(StaffOnboarding.minimumPasswordLength) characters; tell them, they sign in with it. Someone who already has an account keeps theirs.",
                      autocomplete: "new-password"),
            FormField(name: "role", label: "Role", value: typed["role"] ?? Role.staff.rawValue, error: errors.fields["role"],
                      hint: "Staff run the day; managers also change settings and staff; owners also manage owners.",
                      options: grantable.map { ($0.rawValue, $0.rawValue) }),
        ].map(\.values)]
        if !errors.isEmpty { data["problem"] = "Please fix the fields marked below." }
        return try await staff.render("settings_staff", data, context, notice: notice, status: status)
    }
}
