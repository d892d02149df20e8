import SQLKit

/// One of the two SQL engines Crier runs on, behind one query layer.
///
/// Reads may run concurrently; `transaction` runs its body on one leased connection between
/// `BEGIN` and `COMMIT` (SQLKit has no transaction API of its own: DESIGN.md section 12).
public protocol DatabaseEngine: Sendable {
    /// Which engine this is, for the few statements whose SQL differs.
    var kind: EngineKind { get }
    /// Runs `body` outside a transaction (single statements, reads), within `deadline` seconds.
    func read<T: Sendable>(deadline: Double, _ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    /// Runs `body` inside one transaction: all of it commits or none of it does. Past `deadline`
    /// seconds (connection or writer wait included) it fails with `StoreUnavailable` and is not
    /// carried out.
    func transaction<T: Sendable>(deadline: Double, _ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    /// Keeps the engine's connections alive until cancelled (PostgreSQL's pool needs a runner).
    func run() async
    /// Closes every connection.
    func shutdown() async
    /// True when `error` is a unique-index violation (a concurrent duplicate insert).
    func isUniqueViolation(_ error: any Error) -> Bool
    /// Where work that feeds the writer should run, if the engine has a writer thread of its own.
    var writeExecutor: (any TaskExecutor)? { get }
    /// Proves the write path works, within `deadline` seconds (for `/ready`): throws
    /// `StoreUnavailable` when the database is down, full, locked or read-only.
    func probe(deadline: Double) async throws
}

extension DatabaseEngine {
    public var writeExecutor: (any TaskExecutor)? { nil }

    /// A read with the usual deadline (`StoreDeadlines.read`).
    public func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await read(deadline: StoreDeadlines.read, body)
    }

    /// A transaction with the usual deadline (`StoreDeadlines.call`).
    public func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await transaction(deadline: StoreDeadlines.call, body)
    }
}

/// The SQL engines Crier supports.
public enum EngineKind: String, Sendable, CaseIterable {
    case sqlite
    case postgres
}
