import ArgumentParser
import CrierStore
import Foundation

/// `crier secrets rotate`: seal every venue's provider settings with a new key.
struct SecretsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "secrets", abstract: "The key provider secrets are encrypted with.", subcommands: [Rotate.self])

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Encrypt every venue's provider settings with a new key.",
            discussion: """
                With a key file (beside the SQLite database, or CRIER_SECRET_KEY_FILE): makes a new key, \
                re-encrypts, and leaves only the new key in the file. With CRIER_SECRET_KEY: put the new key \
                first and the old after it (CRIER_SECRET_KEY=new,old), run this, then set CRIER_SECRET_KEY=new \
                on every instance.
                """)
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let rotation = try await db.withStore { store in
                try await store.migrate()
                return try await store.rotateSecrets()
            }
            switch rotation.source {
            case .file(let path):
                print("re-encrypted \(rotation.resealed) venue(s) with new key \(rotation.keyId); \(path) now holds only it")
            case .environment:
                print("re-encrypted \(rotation.resealed) venue(s) with key \(rotation.keyId), the first of CRIER_SECRET_KEY; "
                    + "now set CRIER_SECRET_KEY to that key alone on every instance")
            case .fixed:
                print("re-encrypted \(rotation.resealed) venue(s) with key \(rotation.keyId)")
            }
        }
    }
}
