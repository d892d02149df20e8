import CrierCore
import Foundation
import SQLKit

/// What an API key may do.
public enum APIKeyScope: String, Sendable, Codable, CaseIterable {
    /// Read and change the venue's data.
    case write
    /// Read only: any change is a 403.
    case read
}

/// An API key as stored: the key itself is shown once at creation and kept only as a hash.
public struct APIKey: Sendable, Equatable {
    public var id: Int64
    public var venueId: Int64
    public var name: String
    /// The first characters of the key, so staff can tell keys apart.
    public var prefix: String
    public var scope: APIKeyScope
    public var createdAt: Date
    public var revokedAt: Date?
}

/// API keys: one venue each.
public struct APIKeys: Sendable {
    let store: Store

    static let columns = "id, venue_id, name, prefix, scope, created_at, revoked_at"

    /// Creates a key; returns it with the plaintext secret, which is not stored. Journaled with `actor`.
    public func create(venueId: Int64, name: String, scope: APIKeyScope, actor: Actor) async throws -> (key: APIKey, secret: String) {
        var errors = FieldErrors()
        let name = Text.required(name, field: "name", max: 100, errors: &errors)
        guard let name else { throw CrierError.invalid(errors) }
        let secret = Secret.random(prefix: "crier_")
        let prefix = String(secret.prefix(12))
        let now = store.clock.now()
        return try await store.engine.transaction { db in
            let id = try await db.insertReturningID("""
                INSERT INTO api_keys (venue_id, name, key_hash, prefix, scope, created_at)
                VALUES (\(bind: venueId), \(bind: name), \(bind: Secret.hash(secret)), \(bind: prefix), \(bind: scope.rawValue),
                        \(bind: now.millisecondsSince1970))
                """)
            try await JournalWriter(db: db, actor: actor, at: now).append(
                venueId: venueId, customerId: nil, subjectId: id, .apiKeyCreated(APIKeyChanged(name: name, scope: scope.rawValue, prefix: prefix)))
            return (APIKey(id: id, venueId: venueId, name: name, prefix: prefix, scope: scope, createdAt: now, revokedAt: nil), secret)
        }
    }

    /// The live key matching a presented secret, with its venue; nil for unknown or revoked keys.
    public func authenticate(_ secret: String) async throws -> (key: APIKey, venue: Venue)? {
        guard secret.hasPrefix("crier_"), secret.count < 200 else { return nil }
        return try await store.engine.read { db in
            guard let row = try await db.raw("""
                SELECT \(unsafeRaw: Self.columns) FROM api_keys WHERE key_hash = \(bind: Secret.hash(secret)) AND revoked_at IS NULL
                """).first()
            else { return nil }
            let key = try Self.decode(row)
            guard let venue = try await db.raw("SELECT \(unsafeRaw: Venues.columns) FROM venues WHERE id = \(bind: key.venueId)")
                .first().map(Venues.decode)
            else { return nil }
            return (key, venue)
        }
    }

    public func list(venueId: Int64) async throws -> [APIKey] {
        try await store.engine.read { db in
            try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM api_keys WHERE venue_id = \(bind: venueId) ORDER BY id")
                .all().map(Self.decode)
        }
    }

    /// Revokes a key at once; requests using it get 401 from then on. Journaled (once) with `actor`.
    public func revoke(venueId: Int64, id: Int64, actor: Actor) async throws {
        let now = store.clock.now()
        try await store.engine.transaction { db in
            guard let row = try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM api_keys WHERE id = \(bind: id) AND venue_id = \(bind: venueId)").first()
            else { throw CrierError.notFound("API key") }
            let key = try Self.decode(row)
            guard key.revokedAt == nil else { return }
            try await db.raw("UPDATE api_keys SET revoked_at = \(bind: now.millisecondsSince1970) WHERE id = \(bind: id)").run()
            try await JournalWriter(db: db, actor: actor, at: now).append(
                venueId: venueId, customerId: nil, subjectId: id,
                .apiKeyRevoked(APIKeyChanged(name: key.name, scope: key.scope.rawValue, prefix: key.prefix)))
        }
    }

    static func decode(_ row: any SQLRow) throws -> APIKey {
        APIKey(
            id: try row.decode(column: "id", as: Int64.self), venueId: try row.decode(column: "venue_id", as: Int64.self),
            name: try row.decode(column: "name", as: String.self), prefix: try row.decode(column: "prefix", as: String.self),
            scope: APIKeyScope(rawValue: try row.decode(column: "scope", as: String.self)) ?? .read,
            createdAt: Date(millisecondsSince1970: try row.decode(column: "created_at", as: Int64.self)),
            revokedAt: try row.decode(column: "revoked_at", as: Int64?.self).map(Date.init(millisecondsSince1970:)))
    }
}
