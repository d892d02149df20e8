import Foundation

/// Where the database is: `sqlite:///abs/path.sqlite`, `sqlite://relative.sqlite` or
/// `postgres://user:password@host:port/database?sslmode=disable|require`.
public enum DatabaseURL: Sendable, Equatable {
    case sqlite(path: String)
    case postgres(host: String, port: Int, user: String, password: String?, database: String, requireTLS: Bool)

    /// The embedded default: `./crier.sqlite`.
    public static let `default` = DatabaseURL.sqlite(path: "crier.sqlite")

    /// Parses a URL; the error message says what form is expected.
    public init(_ text: String) throws(DatabaseURLError) {
        if text.hasPrefix("sqlite://") {
            let path = String(text.dropFirst("sqlite://".count))
            guard !path.isEmpty else { throw DatabaseURLError(text, "has no file path (sqlite:///path/to/crier.sqlite)") }
            self = .sqlite(path: path.removingPercentEncoding ?? path)
            return
        }
        guard text.hasPrefix("postgres://") || text.hasPrefix("postgresql://"),
            let url = URLComponents(string: text), let host = url.host, !host.isEmpty
        else {
            throw DatabaseURLError(text, "must start with sqlite:// or postgres://")
        }
        let database = String(url.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty else { throw DatabaseURLError(text, "names no database (postgres://host/crier)") }
        let sslmode = url.queryItems?.first { $0.name == "sslmode" }?.value ?? "disable"
        guard ["disable", "require", "prefer"].contains(sslmode) else {
            throw DatabaseURLError(text, "has sslmode=\(sslmode); use disable or require")
        }
        self = .postgres(
            host: host, port: url.port ?? 5432, user: url.user ?? "postgres", password: url.password,
            database: database, requireTLS: sslmode == "require")
    }

    /// On SQLite, the file beside Crier's where plugins keep their tables (`PluginFile`):
    /// `dir/crier.sqlite` gives `dir/crier-plugins.sqlite`. Back up both.
    public static func pluginsFile(beside core: String) -> String {
        let slash = core.lastIndex(of: "/").map { core.index(after: $0) } ?? core.startIndex
        let name = core[slash...]
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return core + "-plugins" }
        return String(core[..<dot]) + "-plugins" + String(core[dot...])
    }

    /// The URL with any password hidden, for logs.
    public var redacted: String {
        switch self {
        case .sqlite(let path): return "sqlite://\(path)"
        case .postgres(let host, let port, let user, _, let database, _): return "postgres://\(user)@\(host):\(port)/\(database)"
        }
    }
}

/// A database URL that could not be read.
public struct DatabaseURLError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ url: String, _ problem: String) {
        let shown = url.contains("@") ? "the database URL" : "'\(url)'"
        description = "\(shown) \(problem)"
    }
}
