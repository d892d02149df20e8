import CrierCore
import Foundation
import SQLKit

/// Where each plugin projection has read the journal up to, and the batches that move it: a batch
/// is applied and the checkpoint moved in one transaction. On PostgreSQL the checkpoint row is
/// locked for the batch (`FOR UPDATE SKIP LOCKED`), so with several instances one applies it and
/// the others pass; on SQLite the plugins' file's single writer already serialises them. The
/// checkpoints live with the plugins' tables (`Store.pluginEngine`); the journal with Crier's.
public struct ProjectionCheckpoints: Sendable {
    let store: Store

    /// One checkpoint row.
    public struct Checkpoint: Sendable, Equatable {
        public var plugin: String
        public var projection: String
        public var position: Int64
    }

    /// Makes sure the checkpoint exists (at 0: a projection new to this database starts from the first entry).
    public func prepare(plugin: String, projection: String) async throws {
        let now = store.clock.now().millisecondsSince1970
        try await store.pluginEngine.transaction { db in
            try await db.raw("""
                INSERT INTO plugin_checkpoints (plugin, projection, position, updated_at)
                VALUES (\(bind: plugin), \(bind: projection), 0, \(bind: now)) ON CONFLICT DO NOTHING
                """).run()
        }
    }

    /// Every checkpoint, for `/admin/plugins`.
    public func all() async throws -> [Checkpoint] {
        try await store.pluginEngine.read { db in
            try await db.raw("SELECT plugin, projection, position FROM plugin_checkpoints ORDER BY plugin, projection").all().map {
                Checkpoint(plugin: try $0.decode(column: "plugin", as: String.self), projection: try $0.decode(column: "projection", as: String.self),
                           position: try $0.decode(column: "position", as: Int64.self))
            }
        }
    }

    /// Where one projection has read up to; nil before `prepare` made its checkpoint.
    public func position(plugin: String, projection: String) async throws -> Int64? {
        try await store.pluginEngine.read { db in
            try await db.raw("""
                SELECT position FROM plugin_checkpoints WHERE plugin = \(bind: plugin) AND projection = \(bind: projection)
                """).first()?.decode(column: "position", as: Int64.self)
        }
    }

    /// The newest journal id (for showing lag; not safe to read up to on PostgreSQL, see `safeHead`).
    public func journalHead() async throws -> Int64 {
        try await store.engine.read { db in try await JournalHighWater.maxID(db) }
    }

    /// The id a projection may read up to now; nil when writers kept it busy (try again shortly).
    /// `patience`: how long to wait for the transactions writing when it was read (PostgreSQL).
    public func safeHead(patience: Double = 0.25) async throws -> Int64? {
        try await JournalHighWater.read(store.engine, patience: patience)
    }

    /// How many journal entries lie between `position` and `head` (a backfill's total).
    public func entries(after position: Int64, upTo head: Int64) async throws -> Int {
        try await store.engine.read { db in
            try await db.raw("SELECT COUNT(*) AS n FROM journal WHERE id > \(bind: position) AND id <= \(bind: head)")
                .first()?.decode(column: "n", as: Int.self) ?? 0
        }
    }

    /// When the oldest entry after `position` was written: how long a projection has kept it waiting.
    public func oldestEntry(after position: Int64) async throws -> Date? {
        try await store.engine.read { db in
            try await db.raw("SELECT created_at FROM journal WHERE id > \(bind: position) ORDER BY id LIMIT 1").first()
                .map { Date(millisecondsSince1970: try $0.decode(column: "created_at", as: Int64.self)) }
        }
    }

    /// How far behind the journal's `head` a projection at `position` is.
    public struct Lag: Sendable, Equatable {
        /// Entries it has not applied.
        public var entries: Int
        /// How long the oldest of them has waited (0 when there are none).
        public var seconds: Double
    }

    /// The lag of a projection at `position` (for `/admin/plugins` and `/metrics`).
    public func lag(after position: Int64, head: Int64) async throws -> Lag {
        let entries = try await entries(after: position, upTo: head)
        let waiting = entries == 0 ? nil : try await oldestEntry(after: position)
        return Lag(entries: entries, seconds: waiting.map { max(0, store.clock.now().timeIntervalSince($0)) } ?? 0)
    }

    /// Entries after `position` up to `head` (at most `limit`), decoded once for every projection
    /// that reads them. Read outside any write: the writer is not held while they are read.
    public func entries(after position: Int64, upTo head: Int64, limit: Int) async throws -> [JournalEntry] {
        try await store.engine.read { db in
            try await Journal.decode(db.raw("""
                SELECT \(unsafeRaw: Journal.columns) FROM journal WHERE id > \(bind: position) AND id <= \(bind: head)
                ORDER BY id LIMIT \(bind: limit)
                """).all())
        }
    }

    /// One projection's part in applying a batch.
    public struct Share: Sendable {
        public var plugin: String
        public var projection: String
        /// Where its checkpoint was when the batch was read: it applies only if it is still there.
        public var position: Int64
        public var apply: @Sendable ([JournalEntry], any SQLDatabase) async throws -> Void

        public init(plugin: String, projection: String, position: Int64, apply: @escaping @Sendable ([JournalEntry], any SQLDatabase) async throws -> Void) {
            self.plugin = plugin
            self.projection = projection
            self.position = position
            self.apply = apply
        }
    }

    /// How one projection's share of a batch ended.
    public enum ShareOutcome: Sendable, Equatable {
        /// `count` entries applied; the checkpoint is now `position`.
        case applied(count: Int, position: Int64)
        /// Another instance holds this checkpoint, or moved it since the batch was read.
        case busy
        /// Its `apply` threw: its part is rolled back, its checkpoint stays, the others went on.
        case failed(String)
    }

    /// Applies `entries` to every projection in `shares` (each gets the entries past its own
    /// position), in one transaction: each in a savepoint of its own with the move of its
    /// checkpoint, so one that throws is rolled back alone and is retried later.
    public func apply(_ entries: [JournalEntry], to shares: [Share]) async throws -> [ShareOutcome] {
        guard let last = entries.last?.id else { return shares.map { .applied(count: 0, position: $0.position) } }
        let now = store.clock.now().millisecondsSince1970
        let lock = store.pluginEngine.kind == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
        return try await store.pluginEngine.transaction { db in
            var outcomes: [ShareOutcome] = []
            for (n, share) in shares.enumerated() {
                let row = try await db.raw("""
                    SELECT position FROM plugin_checkpoints WHERE plugin = \(bind: share.plugin) AND projection = \(bind: share.projection)\(unsafeRaw: lock)
                    """).first()
                guard let row, try row.decode(column: "position", as: Int64.self) == share.position else {
                    outcomes.append(.busy)
                    continue
                }
                let part = entries.filter { $0.id > share.position }
                guard !part.isEmpty else {
                    outcomes.append(.applied(count: 0, position: share.position))
                    continue
                }
                try await db.raw("SAVEPOINT projection_\(unsafeRaw: String(n))").run()
                do {
                    try await share.apply(part, db)
                    try await db.raw("""
                        UPDATE plugin_checkpoints SET position = \(bind: last), updated_at = \(bind: now)
                        WHERE plugin = \(bind: share.plugin) AND projection = \(bind: share.projection)
                        """).run()
                    try await db.raw("RELEASE projection_\(unsafeRaw: String(n))").run()
                    outcomes.append(.applied(count: part.count, position: last))
                } catch let error where !(error is StoreUnavailable) {
                    try await db.raw("ROLLBACK TO projection_\(unsafeRaw: String(n))").run()
                    try await db.raw("RELEASE projection_\(unsafeRaw: String(n))").run()
                    outcomes.append(.failed(String(describing: error)))
                }
            }
            return outcomes
        }
    }

    /// Empties a projection through `reset` and puts its checkpoint back to 0, in one transaction
    /// that waits for any instance applying a batch of it to finish.
    public func rewind(plugin: String, projection: String, reset: @escaping @Sendable (any SQLDatabase) async throws -> Void) async throws {
        let now = store.clock.now().millisecondsSince1970
        let lock = store.pluginEngine.kind == .postgres ? " FOR UPDATE" : ""
        try await store.pluginEngine.transaction { db in
            _ = try await db.raw("""
                SELECT position FROM plugin_checkpoints WHERE plugin = \(bind: plugin) AND projection = \(bind: projection)\(unsafeRaw: lock)
                """).first()
            try await reset(db)
            try await db.raw("""
                UPDATE plugin_checkpoints SET position = 0, updated_at = \(bind: now)
                WHERE plugin = \(bind: plugin) AND projection = \(bind: projection)
                """).run()
        }
    }
}
