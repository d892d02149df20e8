import CrierCore
import Foundation
import SQLKit

/// How many failed sign-ins are allowed within `window`: for one email from one client address
/// (the lockout people meet), from one address whatever the email (one client guessing many
/// accounts), and for one email from anywhere (many clients guessing one account). An attacker
/// who fails five times locks out only their own address, not the owner signing in from theirs.
public struct SignInLimits: Sendable, Equatable {
    public var perEmailAndAddress = 5
    public var perAddress = 20
    public var perEmail = 50
    public var window: TimeInterval = 15 * 60

    public init() {}
}

/// Which limit refused a sign-in attempt.
public enum SignInLimit: Sendable, Equatable {
    case emailAndAddress, address, email
}

/// Sign-in attempts, counted before the password is checked: an attempt is reserved (recorded as a
/// failure) in the same transaction that counts the earlier ones, so simultaneous guesses can't
/// all be checked before any is counted. A success takes its reservation back.
public struct SignInAttempts: Sendable {
    let store: Store

    /// Counts the failures in the window and, under every limit, records this attempt as one;
    /// returns its id, or the limit that refuses it. On PostgreSQL reservations take turns (an
    /// advisory lock for the transaction); on SQLite the single writer already serialises them.
    public func reserve(email: String, address: String, limits: SignInLimits = SignInLimits()) async throws -> Result<Int64, SignInLimitReached> {
        let now = store.clock.now()
        let since = now.addingTimeInterval(-limits.window).millisecondsSince1970
        let email = email.lowercased()
        return try await store.engine.transaction { db in
            if db.dialect.name == "postgresql" { try await db.raw("SELECT pg_advisory_xact_lock(7346023)").run() }
            // One statement counts and records, so an attempt under every limit costs one round trip.
            if let row = try await db.raw("""
                INSERT INTO login_failures (email, address, failed_at)
                SELECT \(bind: email), \(bind: address), \(bind: now.millisecondsSince1970)
                WHERE (SELECT COUNT(*) FROM login_failures WHERE email = \(bind: email) AND address = \(bind: address)
                       AND failed_at >= \(bind: since)) < \(bind: limits.perEmailAndAddress)
                  AND (SELECT COUNT(*) FROM login_failures WHERE address = \(bind: address) AND failed_at >= \(bind: since)) < \(bind: limits.perAddress)
                  AND (SELECT COUNT(*) FROM login_failures WHERE email = \(bind: email) AND failed_at >= \(bind: since)) < \(bind: limits.perEmail)
                RETURNING id
                """).first() {
                return .success(try row.decode(column: "id", as: Int64.self))
            }
            // Refused: say which limit, in the order people meet them.
            let counts = try await db.raw("""
                SELECT COALESCE(SUM(CASE WHEN email = \(bind: email) AND address = \(bind: address) THEN 1 ELSE 0 END), 0) AS pair,
                       COALESCE(SUM(CASE WHEN address = \(bind: address) THEN 1 ELSE 0 END), 0) AS by_address
                FROM login_failures WHERE failed_at >= \(bind: since) AND (email = \(bind: email) OR address = \(bind: address))
                """).first()
            if try counts?.decode(column: "pair", as: Int.self) ?? 0 >= limits.perEmailAndAddress { return .failure(SignInLimitReached(limit: .emailAndAddress)) }
            if try counts?.decode(column: "by_address", as: Int.self) ?? 0 >= limits.perAddress { return .failure(SignInLimitReached(limit: .address)) }
            return .failure(SignInLimitReached(limit: .email))
        }
    }

    /// The password matched: the reservation is taken back, with this email's failures from this
    /// address; failures older than a day (no limit looks that far back) are cleared here too.
    public func succeeded(_ id: Int64, email: String, address: String) async throws {
        let dayAgo = store.clock.now().addingTimeInterval(-86_400).millisecondsSince1970
        try await store.engine.transaction { db in
            try await db.raw("""
                DELETE FROM login_failures
                WHERE id = \(bind: id) OR (email = \(bind: email.lowercased()) AND address = \(bind: address)) OR failed_at < \(bind: dayAgo)
                """).run()
        }
    }

    /// Failures recorded for `email` (from any address) since `since`.
    public func failures(email: String, since: Date) async throws -> Int {
        try await store.engine.read { db in
            try await db.raw("""
                SELECT COUNT(*) AS n FROM login_failures WHERE email = \(bind: email.lowercased()) AND failed_at >= \(bind: since.millisecondsSince1970)
                """).first()!.decode(column: "n", as: Int.self)
        }
    }
}

/// A sign-in refused before its password was checked.
public struct SignInLimitReached: Error, Sendable, Equatable {
    public let limit: SignInLimit

    public init(limit: SignInLimit) { self.limit = limit }
}
