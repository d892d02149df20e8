import Crypto
import Foundation
import Synchronization

/// The keys that encrypt secrets at rest (venues' provider settings), newest first: the first
/// seals, any of them opens, so a rotation can re-seal row by row while both are known.
///
/// Where they come from: `CRIER_SECRET_KEY` (one or more base64 32-byte keys, comma-separated,
/// current first), else a key file: `CRIER_SECRET_KEY_FILE`, or beside the SQLite database
/// (`crier.sqlite.key`), or `crier-secret.key` in the working directory for PostgreSQL. The file
/// holds one base64 key per line and is created, mode 0600, the first time a key is needed.
/// A database copied without its key reveals none of the secrets.
public final class Keyring: Sendable {
    /// Where the keys live.
    public enum Source: Sendable, Equatable {
        /// Given by the environment (`CRIER_SECRET_KEY`): never written by Crier.
        case environment
        /// A file Crier creates and, on rotation, rewrites.
        case file(String)
        /// Given directly (tests, benchmarks).
        case fixed
    }

    /// One key and the short id stored beside everything it sealed.
    public struct Key: Sendable, Equatable {
        public let id: String
        let bytes: [UInt8]

        init(_ bytes: [UInt8]) {
            self.bytes = bytes
            id = SHA256.hash(data: bytes).prefix(4).map { String(format: "%02x", $0) }.joined()
        }

        /// A new random key.
        public static func random() -> Key { Key(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }) }

        /// Parses base64 of exactly 32 bytes.
        public init?(base64: String) {
            guard let data = Data(base64Encoded: base64.trimmingCharacters(in: .whitespaces)), data.count == 32 else { return nil }
            self.init(Array(data))
        }

        public var base64: String { Data(bytes).base64EncodedString() }
        var symmetric: SymmetricKey { SymmetricKey(data: bytes) }
    }

    public let source: Source
    private let loaded: Mutex<[Key]?>

    init(source: Source, keys: [Key]?) {
        self.source = source
        loaded = Mutex(keys)
    }

    /// Fixed keys, current first.
    public convenience init(keys: [Key]) {
        self.init(source: .fixed, keys: keys)
    }

    /// The keyring for a database at `url`, as the environment says (see the type's comment).
    public static func forDatabase(_ url: DatabaseURL, environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> Keyring
    {
        if let text = environment["CRIER_SECRET_KEY"], !text.isEmpty {
            let parts = text.split(separator: ",").map(String.init)
            let keys = parts.compactMap(Key.init(base64:))
            guard keys.count == parts.count else {
                throw KeyringError("CRIER_SECRET_KEY must be base64 of 32 random bytes (make one with: openssl rand -base64 32), comma-separated when rotating")
            }
            return Keyring(source: .environment, keys: keys)
        }
        if let path = environment["CRIER_SECRET_KEY_FILE"], !path.isEmpty { return Keyring(source: .file(path), keys: nil) }
        switch url {
        case .sqlite(let path): return Keyring(source: .file(path + ".key"), keys: nil)
        case .postgres: return Keyring(source: .file("crier-secret.key"), keys: nil)
        }
    }

    /// The keys, newest first, creating the key file (with one new key) if there is none yet.
    /// Returns whether this call created it, for the operator to be told to back it up.
    @discardableResult
    public func ensure() throws -> (keys: [Key], created: Bool) {
        try loaded.withLock { keys in
            if let keys { return (keys, false) }
            guard case .file(let path) = source else { throw KeyringError("no secret key") }
            if FileManager.default.fileExists(atPath: path) {
                let read = try Self.read(path)
                keys = read
                return (read, false)
            }
            let fresh = [Key.random()]
            try Self.write(fresh, to: path, replacing: false)
            keys = fresh
            return (fresh, true)
        }
    }

    /// The key that seals.
    public var current: Key {
        get throws { try ensure().keys[0] }
    }

    /// The key with `id`, if this keyring has it.
    func key(id: String) throws -> Key? { try ensure().keys.first { $0.id == id } }

    /// Replaces the file's keys (rotation); `.environment` and `.fixed` keyrings are never written.
    func replace(with keys: [Key]) throws {
        guard case .file(let path) = source else { throw KeyringError("keys from CRIER_SECRET_KEY are changed in the environment, not by Crier") }
        try loaded.withLock { loaded in
            try Self.write(keys, to: path, replacing: true)
            loaded = keys
        }
    }

    static func read(_ path: String) throws -> [Key] {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw KeyringError("cannot read the secret key file \(path): \(error.localizedDescription)")
        }
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        let keys = lines.compactMap(Key.init(base64:))
        guard !keys.isEmpty, keys.count == lines.count else {
            throw KeyringError("the secret key file \(path) must hold base64 32-byte keys, one per line, the current one first")
        }
        return keys
    }

    /// Writes a new file beside the old one, mode 0600 from the start, then renames it over: a
    /// crash leaves the old file or the new, never half of one.
    static func write(_ keys: [Key], to path: String, replacing: Bool) throws {
        let text = "# Crier's secret keys (the first seals; keep this file apart from database backups)\n"
            + keys.map(\.base64).joined(separator: "\n") + "\n"
        let temporary = path + ".tmp-\(UUID().uuidString.prefix(8))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw KeyringError("cannot create the secret key file \(path): \(String(cString: strerror(errno)))") }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        do {
            try handle.write(contentsOf: Data(text.utf8))
            try handle.synchronize()
            try handle.close()
        } catch {
            unlink(temporary)
            throw KeyringError("cannot write the secret key file \(path): \(error.localizedDescription)")
        }
        if !replacing, FileManager.default.fileExists(atPath: path) {
            unlink(temporary)
            throw KeyringError("the secret key file \(path) appeared while creating it")
        }
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw KeyringError("cannot put the secret key file in place at \(path): \(String(cString: strerror(errno)))")
        }
    }
}

/// A problem with the secret keys: missing, malformed, unreadable, or not the ones that sealed.
public struct KeyringError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}
