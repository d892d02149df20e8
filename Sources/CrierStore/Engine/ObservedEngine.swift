import SQLKit

/// Who is told how long each database call took and how it failed (the server's `/metrics`).
/// Kept a protocol so the store names no metrics library.
public protocol DatabaseCallObserver: Sendable {
    /// `call` on `database` finished after `took`; `failure` says why it failed, nil when it did not.
    func finished(_ call: DatabaseCall, database: DatabaseRole, engine: EngineKind, took: Duration, failure: DatabaseFailure?)
}

/// The two kinds of call an engine runs.
public enum DatabaseCall: String, Sendable, CaseIterable {
    case read
    case transaction
}

/// Which of a store's databases a call went to: Crier's own records or the plugins'.
public enum DatabaseRole: String, Sendable, CaseIterable {
    case core
    case plugins
}

/// Why a database call failed, in the few classes an operator alerts on.
public enum DatabaseFailure: String, Sendable, CaseIterable {
    /// The database did not answer within the call's deadline.
    case timeout
    /// Locked by someone else (SQLite's busy, PostgreSQL's lock timeout).
    case busy
    case full
    case readOnly = "read_only"
    case unreachable
    case ioError = "io_error"
    /// A unique index refused a concurrent duplicate (retried once, then a 409).
    case conflict
    /// Anything else: a constraint, a bug.
    case other

    init(_ error: any Error, engine: any DatabaseEngine) {
        if let unavailable = StoreUnavailable.classify(error) {
            self = switch unavailable.reason {
            case .timeout: .timeout
            case .busy: .busy
            case .full: .full
            case .readOnly: .readOnly
            case .unreachable: .unreachable
            case .ioError: .ioError
            }
        } else if engine.isUniqueViolation(error) {
            self = .conflict
        } else {
            self = .other
        }
    }
}

/// An engine that tells an observer the duration and failure of every call to the engine inside.
struct ObservedEngine: DatabaseEngine {
    let inner: any DatabaseEngine
    let role: DatabaseRole
    let observer: any DatabaseCallObserver

    var kind: EngineKind { inner.kind }
    var writeExecutor: (any TaskExecutor)? { inner.writeExecutor }

    func read<T: Sendable>(deadline: Double, _ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await observe(.read) { try await inner.read(deadline: deadline, body) }
    }

    func transaction<T: Sendable>(deadline: Double, _ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await observe(.transaction) { try await inner.transaction(deadline: deadline, body) }
    }

    func run() async { await inner.run() }
    func shutdown() async { await inner.shutdown() }
    func isUniqueViolation(_ error: any Error) -> Bool { inner.isUniqueViolation(error) }
    func probe(deadline: Double) async throws { try await inner.probe(deadline: deadline) }

    private func observe<T>(_ call: DatabaseCall, _ work: () async throws -> T) async throws -> T {
        let start = ContinuousClock.now
        do {
            let result = try await work()
            observer.finished(call, database: role, engine: inner.kind, took: ContinuousClock.now - start, failure: nil)
            return result
        } catch let error as CancellationError {
            // A request that went away is not a database failure.
            throw error
        } catch {
            observer.finished(call, database: role, engine: inner.kind, took: ContinuousClock.now - start,
                              failure: DatabaseFailure(error, engine: inner))
            throw error
        }
    }
}

extension Store {
    /// This store with every call to its databases reported to `observer`.
    public func observed(by observer: any DatabaseCallObserver) -> Store {
        // On PostgreSQL both roles are one engine: still told apart, still run and shut down once.
        Store(
            engine: ObservedEngine(inner: engine, role: .core, observer: observer),
            pluginEngine: ObservedEngine(inner: pluginEngine, role: .plugins, observer: observer),
            pluginsApart: pluginsApart, clock: clock, logger: logger, keyring: keyring, trouble: trouble)
    }
}
