import ArgumentParser
import CrierCore
import CrierStore
import Foundation

/// `crier customers erase`: a data-deletion request from the command line.
struct CustomersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "customers", abstract: "Customers' data.", subcommands: [Erase.self])

    struct Erase: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Erase a customer: delete them and scrub their personal data from every table and the journal (cannot be undone).")
        @OptionGroup var db: DatabaseOptions
        @Option(help: "Venue slug.") var venue: String
        @Option(help: "Customer id.") var id: Int64

        func run() async throws {
            let (slug, id) = (venue, id)
            let report = try await db.withStore { store in
                try await store.migrate()
                let venue = try await VenueCommand.find(slug, in: store)
                return try await store.erasure.erase(venueId: venue.id, customerId: id, actor: .cli)
            }
            print("erased customer \(report.customerId): \(report.bookingsDeleted) booking(s) deleted, \(report.textsScrubbed) text(s) and "
                + "\(report.entriesScrubbed) journal entr\(report.entriesScrubbed == 1 ? "y" : "ies") scrubbed"
                + (report.optOutKept ? "; their opt-out is kept (as a salted hash of the number)" : ""))
        }
    }
}
