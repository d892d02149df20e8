import Foundation

/// What `crier secrets rotate` did.
public struct SecretRotation: Sendable {
    /// The key everything is sealed with now.
    public var keyId: String
    /// How many venues' settings were sealed again.
    public var resealed: Int
    /// Where the keys are (a file Crier rewrote, or the environment the operator changes).
    public var source: Keyring.Source
}

extension Store {
    /// Seals every venue's provider settings with a new key. With a key file: the new key is added
    /// to the file first (the old kept, so a crash at any point leaves every row openable), the
    /// rows are sealed again in one transaction, then the old key is dropped from the file. With
    /// `CRIER_SECRET_KEY`: the rows are sealed with its first key (the operator put the new one
    /// first, the old after it), and the old one can then be removed from the environment.
    public func rotateSecrets() async throws -> SecretRotation {
        let existing = try keyring.ensure().keys
        var keys = existing
        if case .file = keyring.source {
            keys = [Keyring.Key.random()] + existing
            try keyring.replace(with: keys)
        }
        let resealed: Int
        do {
            resealed = try await engine.transaction(deadline: StoreDeadlines.bulk) { [keyring] db in
            try await SealedSettings.reseal(db, keyring: keyring, strict: true).changed
        }
        } catch {
            // Nothing was re-sealed: the file goes back to the keys it had.
            if case .file = keyring.source { try? keyring.replace(with: existing) }
            throw error
        }
        if case .file = keyring.source { try keyring.replace(with: [keys[0]]) }
        return SecretRotation(keyId: keys[0].id, resealed: resealed, source: keyring.source)
    }
}
