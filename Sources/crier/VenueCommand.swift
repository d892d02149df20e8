import ArgumentParser
import CrierCore
import CrierStore
import Foundation

/// `crier venue create|list`.
struct VenueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "venue", abstract: "Manage venues.", subcommands: [Create.self, List.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a venue.")
        @OptionGroup var db: DatabaseOptions
        @Option(help: "Short name used by the CLI, e.g. the-crown.") var slug: String
        @Option(help: "Display name.") var name: String
        @Option(help: "IANA time zone, e.g. Europe/London.") var timezone: String
        @Option(help: "Default phone region for national numbers, e.g. GB, US.") var region: String = "GB"

        func run() async throws {
            let settings: VenueSettings
            do {
                settings = try VenueSettings.validate(slug: slug, name: name, timezone: timezone, defaultRegion: region)
            } catch {
                throw ValidationError(CrierError.invalid(error).message)
            }
            let venue = try await db.withStore { store in
                try await store.migrate()
                return try await store.venues.create(settings, actor: .cli)
            }
            print("created venue \(venue.slug) (\(venue.name), \(venue.timezone), id \(venue.id))")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List venues.")
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let venues = try await db.withStore { store in
                try await store.migrate()
                return try await store.venues.all()
            }
            if venues.isEmpty { note("no venues yet: `crier serve` creates 'default', or use `crier venue create`") }
            for v in venues {
                print([String(v.id), v.slug, v.name, v.timezone, v.defaultRegion, v.smsEnabled ? "sms on" : "sms off"]
                    .joined(separator: "\t"))
            }
        }
    }

    /// The venue with `slug`, or the first venue (created as `default` if there is none).
    static func find(_ slug: String?, in store: Store) async throws -> Venue {
        // On a fresh database 'default' means what serve would create, so a key can be made first.
        let fresh = try await store.venues.all().isEmpty
        if let slug, slug != "default" || !fresh {
            guard let venue = try await store.venues.bySlug(slug) else {
                let known = try await store.venues.all().map(\.slug).joined(separator: ", ")
                throw CrierError.notFound("venue '\(slug)' (known: \(known.isEmpty ? "none" : known))")
            }
            return venue
        }
        let env = ProcessInfo.processInfo.environment
        return try await store.venues.ensureDefault(
            timezone: env["CRIER_TIMEZONE"] ?? "Europe/London", region: env["CRIER_REGION"] ?? "GB").venue
    }
}
