import Crypto
import Foundation
import SQLKit

/// Opt-outs that outlive an erasure: a salted hash (HMAC-SHA256 with the venue's own random salt)
/// of an erased customer's number, never the number. A customer added later with that number
/// starts opted out (`erased_opt_out`); their texting START is the fresh opt-in that lifts it.
enum OptOutMemory {
    static func remember(_ db: any SQLDatabase, venueId: Int64, mobile: String, at now: Date) async throws {
        let hash = try await Self.hash(db, venueId: venueId, mobile: mobile, create: true)!
        try await db.raw("""
            INSERT INTO erased_opt_outs (venue_id, mobile_hash, erased_at) VALUES (\(bind: venueId), \(bind: hash), \(bind: now.millisecondsSince1970))
            ON CONFLICT (venue_id, mobile_hash) DO NOTHING
            """).run()
    }

    /// A venue's kept opt-outs, read once for any number of customers added (an import's thousands):
    /// its salt and hashes, which are few, or nothing for a venue that never erased anyone.
    struct Kept: Sendable {
        let salt: Data?
        let hashes: Set<String>

        static func load(_ db: any SQLDatabase, venueId: Int64) async throws -> Kept {
            guard let salt = try await db.raw("SELECT erasure_salt FROM venues WHERE id = \(bind: venueId)").first()?
                .decode(column: "erasure_salt", as: String?.self).flatMap({ Data(base64Encoded: $0) })
            else { return Kept(salt: nil, hashes: []) }
            let hashes = try await db.raw("SELECT mobile_hash FROM erased_opt_outs WHERE venue_id = \(bind: venueId)").all()
                .map { try $0.decode(column: "mobile_hash", as: String.self) }
            return Kept(salt: salt, hashes: Set(hashes))
        }

        /// Whether an erased customer with this number had opted out here.
        func contains(_ mobile: String) -> Bool {
            guard let salt, !hashes.isEmpty else { return false }
            return hashes.contains(OptOutMemory.digest(mobile, salt: salt))
        }
    }

    /// A fresh opt-in (START): the kept opt-out for the number is no longer needed.
    static func forget(_ db: any SQLDatabase, venueId: Int64, mobile: String) async throws {
        guard let hash = try await Self.hash(db, venueId: venueId, mobile: mobile, create: false) else { return }
        try await db.raw("DELETE FROM erased_opt_outs WHERE venue_id = \(bind: venueId) AND mobile_hash = \(bind: hash)").run()
    }

    /// The number's hash under the venue's salt; nil when the venue has none yet (no erasure ever).
    static func hash(_ db: any SQLDatabase, venueId: Int64, mobile: String, create: Bool) async throws -> String? {
        var salt = try await db.raw("SELECT erasure_salt FROM venues WHERE id = \(bind: venueId)").first()?
            .decode(column: "erasure_salt", as: String?.self)
        if salt == nil {
            guard create else { return nil }
            let fresh = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64EncodedString()
            try await db.raw("UPDATE venues SET erasure_salt = \(bind: fresh) WHERE id = \(bind: venueId) AND erasure_salt IS NULL").run()
            salt = try await db.raw("SELECT erasure_salt FROM venues WHERE id = \(bind: venueId)").first()?.decode(column: "erasure_salt", as: String?.self)
        }
        guard let salt, let key = Data(base64Encoded: salt) else { return nil }
        return digest(mobile, salt: key)
    }

    static func digest(_ mobile: String, salt: Data) -> String {
        HMAC<SHA256>.authenticationCode(for: Data(mobile.utf8), using: SymmetricKey(data: salt)).map { String(format: "%02x", $0) }.joined()
    }
}
