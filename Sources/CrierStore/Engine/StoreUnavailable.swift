import Foundation
import NIOCore
import PostgresNIO
import SQLiteNIO

/// The database cannot take this request now (down, full, locked, read-only, or too slow): the
/// request was not carried out, and the same request may succeed later. HTTP answers it with 503
/// and `Retry-After`; a provider's webhook retries it.
public struct StoreUnavailable: Error, Sendable, CustomStringConvertible {
    /// What is wrong, in an operator's words.
    public enum Reason: String, Sendable {
        case timeout = "the database did not answer in time"
        case busy = "the database is locked by someone else"
        case full = "the disk is full"
        case readOnly = "the database is read-only"
        case unreachable = "the database cannot be reached"
        case ioError = "the disk failed a read or write"
    }

    public var reason: Reason
    /// The engine's own words, for the log (never shown to clients).
    public var detail: String

    public init(_ reason: Reason, detail: String = "") {
        self.reason = reason
        self.detail = detail
    }

    public var description: String { detail.isEmpty ? reason.rawValue : "\(reason.rawValue): \(detail)" }

    /// `error` as a `StoreUnavailable` when it is one of the engines' "not now" failures; nil for
    /// everything else (a constraint, a bug), which stays what it was.
    public static func classify(_ error: any Error) -> StoreUnavailable? {
        if let error = error as? StoreUnavailable { return error }
        if let failure = error as? SQLiteFailure { return sqlite(code: failure.code & 0xff, detail: failure.description) }
        if let failure = error as? SQLiteError {
            switch failure.reason {
            case .busy, .locked: return StoreUnavailable(.busy, detail: failure.message)
            case .full: return StoreUnavailable(.full, detail: failure.message)
            case .readOnly: return StoreUnavailable(.readOnly, detail: failure.message)
            case .ioError, .cantOpen, .corrupt, .notADatabase: return StoreUnavailable(.ioError, detail: failure.message)
            default: return nil
            }
        }
        if let transaction = error as? PostgresTransactionError {
            // BEGIN or COMMIT failed: the connection went (a commit that never answered is
            // retried by the caller's client; every write Crier makes is idempotent on retry).
            for inner in [transaction.beginError, transaction.commitError, transaction.closureError].compactMap({ $0 }) {
                if let found = classify(inner) { return found }
            }
            return transaction.commitError != nil || transaction.beginError != nil
                ? StoreUnavailable(.unreachable, detail: "\(transaction.commitError ?? transaction.beginError!)") : nil
        }
        if let psql = error as? PSQLError {
            guard let state = psql.serverInfo?[.sqlState] else {
                // No server answer at all: the connection failed or was closed under us.
                return StoreUnavailable(.unreachable, detail: "\(psql.code)")
            }
            if state == "25006" { return StoreUnavailable(.readOnly, detail: state) }
            if state == "53100" { return StoreUnavailable(.full, detail: state) }
            // 57014: a statement ran past statement_timeout. (55P03, a lock not had in time, is
            // left alone: callers that ask for NOWAIT-style locks handle it themselves.)
            if state == "57014" { return StoreUnavailable(.timeout, detail: state) }
            if ["08", "53", "57", "58"].contains(String(state.prefix(2))) { return StoreUnavailable(.unreachable, detail: state) }
            return nil
        }
        if error is ChannelError || error is IOError || error is NIOConnectionError {
            return StoreUnavailable(.unreachable, detail: "\(error)")
        }
        return nil
    }

    static func sqlite(code: Int32, detail: String) -> StoreUnavailable? {
        switch code {
        case 5, 6: return StoreUnavailable(.busy, detail: detail)  // SQLITE_BUSY, SQLITE_LOCKED
        case 13: return StoreUnavailable(.full, detail: detail)  // SQLITE_FULL
        case 8: return StoreUnavailable(.readOnly, detail: detail)  // SQLITE_READONLY
        case 10, 14, 7: return StoreUnavailable(.ioError, detail: detail)  // SQLITE_IOERR, _CANTOPEN, _NOMEM
        default: return nil
        }
    }
}

/// How long the engines let one database call take, connection wait included.
public enum StoreDeadlines {
    /// A transaction, start to finish, waiting for a connection or the writer included.
    public static let call: Double = 8
    /// A batch of inbound webhook texts: with the venue lookup before it, well inside the 15 s
    /// providers wait (Twilio's is 15 s).
    public static let webhook: Double = 3
    /// A read (the webhooks look up their venue before they write).
    public static let read: Double = 3
    /// The readiness probe: /ready must answer fast, even while the database hangs.
    public static let probe: Double = 2
    /// Migrations and bulk imports: long, and run by an operator who is watching.
    public static let bulk: Double = 3600
}
