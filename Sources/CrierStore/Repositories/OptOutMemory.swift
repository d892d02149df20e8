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

    /// Whether an erased customer with this number had opted out here.
    static func isKept(_ db: any SQLDatabase, venueId: Int64, mobile: String) async throws -> Bool {
        guard let hash = try await Self.hash(db, venueId: venueId, mobile: mobile, create: false) else { return false }
        return try await db.raw("""
            SELECT 1 AS x FROM erased_opt_outs WHERE venue_id = \(bind: venueId) AND mobile_hash = \(bind: hash)
            """).first() != nil
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
        return HMAC<SHA256>.authenticationCode(for: Data(mobile.utf8), using: SymmetricKey(data: key)).map { String(format: "%02x", $0) }.joined()
    }
}
