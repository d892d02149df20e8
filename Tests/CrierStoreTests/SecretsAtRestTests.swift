import CrierCore
import CrierStore
import CrierTestSupport
import Foundation
import Testing

/// Venues' provider settings are stored sealed (AES-GCM): the database alone, copied or read raw,
/// shows none of them; only the keyring that sealed them opens them; plain rows from before are
/// sealed at migration; a rotation re-seals every row and leaves only the new key.
struct SecretsAtRestTests {
    static let settings = ["account_sid": "AC0123456789abcdef", "auth_token": "supersecret99", "from": "+447700900900"]

    static func stored(_ store: Store, _ venueId: Int64) async throws -> String {
        try await store.engine.read { db in
            try await db.raw("SELECT provider_settings FROM venues WHERE id = \(bind: venueId)").first()!.decode(column: "provider_settings", as: String.self)
        }
    }

    @Test(arguments: TestEngines.all)
    func theDatabaseAloneRevealsNothing(engine: EngineKind) async throws {
        try await withTestDatabase(engine) { url, store in
            let venue = try await store.makeVenue()
            try await store.venues.setProvider(venueId: venue.id, id: "twilio", settings: Self.settings, actor: .system)
            let raw = try await Self.stored(store, venue.id)
            #expect(raw.hasPrefix("enc:v1:" + (try store.keyring.current.id) + ":"))
            for value in Self.settings.values { #expect(!raw.contains(value)) }
            #expect(try await store.venues.provider(venueId: venue.id).settings == Self.settings)
            // Without its key (a copy of the database elsewhere), nothing opens, and the error says which key.
            let stranger = try await Store.open(url, clock: store.clock, logger: store.logger, keyring: Keyring(keys: [.random()]))
            let sealedWith = try store.keyring.current.id
            try await stranger.withRunning { stranger async throws -> Void in
                let error = await #expect(throws: KeyringError.self) { try await stranger.venues.provider(venueId: venue.id) }
                #expect(error?.description.contains("sealed with key \(sealedWith)") == true)
            }
            // A sealed value moved onto another venue's row does not open there.
            let other = try await store.makeVenue("anchor")
            try await store.engine.transaction { db in
                try await db.raw("UPDATE venues SET provider = 'twilio', provider_settings = \(bind: raw) WHERE id = \(bind: other.id)").run()
            }
            await #expect(throws: KeyringError.self) { try await store.venues.provider(venueId: other.id) }
            if case .sqlite(let path) = url {
                // On SQLite the key file was made beside the database, readable by its owner only.
                let attributes = try FileManager.default.attributesOfItem(atPath: path + ".key")
                #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
                for file in [path, path + "-wal"] where FileManager.default.fileExists(atPath: file) {
                    #expect(try Data(contentsOf: URL(fileURLWithPath: file)).range(of: Data("supersecret99".utf8)) == nil, "\(file)")
                }
            }
        }
    }

    @Test(arguments: TestEngines.all)
    func plainSettingsFromBeforeAreSealedAtMigration(engine: EngineKind) async throws {
        try await withTestStore(engine) { store in
            let venue = try await store.makeVenue()
            try await store.engine.transaction { db in
                try await db.raw("""
                    UPDATE venues SET provider = 'twilio', provider_settings = \(bind: #"{"account_sid":"AC0123456789abcdef","auth_token":"supersecret99","from":"+447700900900"}"#)
                    WHERE id = \(bind: venue.id)
                    """).run()
            }
            #expect(try await store.venues.provider(venueId: venue.id).settings == Self.settings)
            try await store.migrate()
            #expect(!(try await Self.stored(store, venue.id)).contains("supersecret99"))
            #expect(try await store.venues.provider(venueId: venue.id).settings == Self.settings)
        }
    }

    /// A key file's rotation: every row re-sealed with a new key, the file left holding only it,
    /// and the old key no longer opening anything.
    @Test func rotatingAKeyFileResealsEveryVenue() async throws {
        try await withTestDatabase(.sqlite) { url, store in
            var made: [Venue] = []
            for slug in ["crown", "anchor", "swan"] {
                let venue = try await store.makeVenue(slug)
                try await store.venues.setProvider(venueId: venue.id, id: "twilio", settings: Self.settings, actor: .system)
                made.append(venue)
            }
            let venues = made
            let old = try store.keyring.current
            let rotation = try await store.rotateSecrets()
            #expect(rotation.keyId != old.id && rotation.resealed == 3)
            guard case .sqlite(let path) = url, case .file(let file) = store.keyring.source else {
                Issue.record("a SQLite store keeps its key in a file")
                return
            }
            #expect(file == path + ".key")
            let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("#") }
            #expect(lines.count == 1 && Keyring.Key(base64: String(lines[0]))?.id == rotation.keyId)
            for venue in venues {
                #expect(try await Self.stored(store, venue.id).hasPrefix("enc:v1:\(rotation.keyId):"))
                #expect(try await store.venues.provider(venueId: venue.id).settings == Self.settings)
            }
            let withOldKey = try await Store.open(url, clock: store.clock, logger: store.logger, keyring: Keyring(keys: [old]))
            let first = venues[0].id
            try await withOldKey.withRunning { s async throws -> Void in
                await #expect(throws: KeyringError.self) { try await s.venues.provider(venueId: first) }
            }
            // Reopened from its file, the store reads everything; rotating again changes the key again.
            let reopened = try await Store.open(url, clock: store.clock, logger: store.logger)
            let last = venues[2].id
            try await reopened.withRunning { s async throws -> Void in
                #expect(try await s.venues.provider(venueId: last).settings == Self.settings)
                #expect(try await s.rotateSecrets().keyId != rotation.keyId)
            }
        }
    }

    /// Keys given in the environment: `new,old` re-seals with the new one, and a malformed key is refused.
    @Test(arguments: TestEngines.all)
    func environmentKeysRotateByPuttingTheNewOneFirst(engine: EngineKind) async throws {
        try await withTestDatabase(engine) { url, store in
            let venue = try await store.makeVenue()
            try await store.venues.setProvider(venueId: venue.id, id: "twilio", settings: Self.settings, actor: .system)
            let old = try store.keyring.current, new = Keyring.Key.random()
            let keyring = try Keyring.forDatabase(url, environment: ["CRIER_SECRET_KEY": new.base64 + "," + old.base64])
            #expect(keyring.source == .environment)
            let both = try await Store.open(url, clock: store.clock, logger: store.logger, keyring: keyring)
            try await both.withRunning { s async throws -> Void in
                #expect(try await s.rotateSecrets().keyId == new.id)
                #expect(try await Self.stored(s, venue.id).hasPrefix("enc:v1:\(new.id):"))
            }
            let onlyNew = try await Store.open(url, clock: store.clock, logger: store.logger, keyring: Keyring(keys: [new]))
            try await onlyNew.withRunning { s async throws -> Void in #expect(try await s.venues.provider(venueId: venue.id).settings == Self.settings) }
            #expect(throws: KeyringError.self) { try Keyring.forDatabase(url, environment: ["CRIER_SECRET_KEY": "too-short"]) }
        }
    }
}
