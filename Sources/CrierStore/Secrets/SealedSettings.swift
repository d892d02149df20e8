import Crypto
import Foundation
import SQLKit

/// A venue's provider settings as stored: `enc:v1:{key id}:{base64 AES-GCM box}` of their JSON,
/// sealed with the keyring's current key and bound to the venue's id (a sealed value copied onto
/// another venue's row does not open). Plain JSON from before encryption still reads, and
/// `Store.migrate()` seals it.
enum SealedSettings {
    static let prefix = "enc:v1:"

    static func seal(_ settings: [String: String], venueId: Int64, keyring: Keyring) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let key = try keyring.current
        let box = try AES.GCM.seal(try encoder.encode(settings), using: key.symmetric, authenticating: binding(venueId))
        guard let combined = box.combined else { throw KeyringError("AES-GCM gave no sealed box") }
        return prefix + key.id + ":" + combined.base64EncodedString()
    }

    static func open(_ stored: String, venueId: Int64, keyring: Keyring) throws -> [String: String] {
        guard stored.hasPrefix(prefix) else {
            return (try? JSONDecoder().decode([String: String].self, from: Data(stored.utf8))) ?? [:]
        }
        let rest = stored.dropFirst(prefix.count)
        guard let colon = rest.firstIndex(of: ":"), let data = Data(base64Encoded: String(rest[rest.index(after: colon)...])) else {
            throw KeyringError("venue \(venueId)'s provider settings are damaged")
        }
        let id = String(rest[..<colon])
        guard let key = try keyring.key(id: id) else {
            throw KeyringError("venue \(venueId)'s provider settings were sealed with key \(id), which this server does not have: "
                + "start it with that key (CRIER_SECRET_KEY, or the key file it was given)")
        }
        do {
            let plain = try AES.GCM.open(try AES.GCM.SealedBox(combined: data), using: key.symmetric, authenticating: binding(venueId))
            return try JSONDecoder().decode([String: String].self, from: plain)
        } catch {
            throw KeyringError("venue \(venueId)'s provider settings do not open with key \(id): they were changed or copied from another venue")
        }
    }

    /// Whether `stored` is sealed with `key`.
    static func isSealed(_ stored: String, with key: Keyring.Key) -> Bool { stored.hasPrefix(prefix + key.id + ":") }

    static func binding(_ venueId: Int64) -> Data { Data("crier provider_settings venue \(venueId)".utf8) }

    /// Seals, with the current key, every venue's settings that are plain or sealed with another
    /// key, in one transaction; returns how many changed and which venues' settings open with no
    /// key the keyring has. `strict` (a rotation) refuses those, changing nothing; otherwise (start-up)
    /// they are left as they are, so a server missing a key still starts and says so.
    static func reseal(_ db: any SQLDatabase, keyring: Keyring, strict: Bool) async throws -> (changed: Int, unopened: [Int64]) {
        let current = try keyring.current
        var changed = 0, unopened: [Int64] = []
        for row in try await db.raw("SELECT id, provider_settings FROM venues ORDER BY id").all() {
            let id = try row.decode(column: "id", as: Int64.self)
            let stored = try row.decode(column: "provider_settings", as: String.self)
            guard !isSealed(stored, with: current) else { continue }
            let settings: [String: String]
            do { settings = try open(stored, venueId: id, keyring: keyring) } catch let error as KeyringError {
                if strict { throw error }
                unopened.append(id)
                continue
            }
            try await db.raw("UPDATE venues SET provider_settings = \(bind: try seal(settings, venueId: id, keyring: keyring)) WHERE id = \(bind: id)").run()
            changed += 1
        }
        return (changed, unopened)
    }
}
