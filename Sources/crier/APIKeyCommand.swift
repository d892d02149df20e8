import ArgumentParser
import CrierCore
import CrierStore
import Foundation

/// `crier api-key create|list|revoke`. `create` prints only the key on stdout, once.
struct APIKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api-key", abstract: "Manage API keys.", subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an API key and print it (it is not shown again).")
        @OptionGroup var db: DatabaseOptions
        @Option(help: "Venue slug.") var venue: String
        @Option(help: "What the key is for, e.g. 'website'.") var name: String
        @Flag(name: .customLong("read-only"), help: "The key may only read.") var readOnly = false

        func run() async throws {
            let (slug, name, scope) = (venue, name, readOnly ? APIKeyScope.read : .write)
            let created = try await db.withStore { store in
                try await store.migrate()
                let venue = try await VenueCommand.find(slug, in: store)
                return try await store.apiKeys.create(venueId: venue.id, name: name, scope: scope, actor: .cli)
            }
            note("created \(scope.rawValue) key \(created.key.id) '\(created.key.name)'; store it now, it is not shown again:")
            print(created.secret)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a venue's API keys (never the keys themselves).")
        @OptionGroup var db: DatabaseOptions
        @Option(help: "Venue slug.") var venue: String

        func run() async throws {
            let slug = venue
            let keys = try await db.withStore { store in
                try await store.migrate()
                return try await store.apiKeys.list(venueId: try await VenueCommand.find(slug, in: store).id)
            }
            for k in keys {
                print([String(k.id), k.name, k.prefix + "…", k.scope.rawValue, k.revokedAt == nil ? "active" : "revoked"]
                    .joined(separator: "\t"))
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an API key at once.")
        @OptionGroup var db: DatabaseOptions
        @Option(help: "Venue slug.") var venue: String
        @Option(help: "Key id (see list).") var id: Int64

        func run() async throws {
            let (slug, id) = (venue, id)
            try await db.withStore { store in
                try await store.apiKeys.revoke(venueId: try await VenueCommand.find(slug, in: store).id, id: id, actor: .cli)
            }
            print("revoked key \(id)")
        }
    }
}
