import ArgumentParser
import CrierCore
import CrierServer
import CrierStore

/// `crier admin create`: add an owner account (for the first admin, or recovery).
struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin", abstract: "Manage staff accounts.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a staff account (owner by default).")

        @OptionGroup var db: DatabaseOptions
        @Option(help: "Sign-in email.") var email: String
        @Option(help: "Password, at least \(StaffOnboarding.minimumPasswordLength) characters.") var password: String
        @Option(help: "Venue slug (default: the first venue).") var venue: String?
        @Option(help: "owner, manager or staff.") var role: String = "owner"

        func run() async throws {
            guard let role = Role(rawValue: role) else { throw ValidationError("--role must be owner, manager or staff") }
            let (email, password, slug) = (email, password, venue)
            let user = try await db.withStore { store in
                try await store.migrate()
                let venue = try await VenueCommand.find(slug, in: store)
                return try await StaffOnboarding(store: store).createUser(email: email, password: password, venue: venue, role: role)
            }
            print("created \(role.rawValue) \(user.email) (user \(user.id))")
        }
    }
}
