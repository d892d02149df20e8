import CrierStore
import CrierTestSupport
import Foundation
import SQLKit
import Testing

/// SQLite's writer runs statements itself (prepared once, reused): what goes in comes back out,
/// a failed statement leaves its prepared form usable, and errors keep their meaning.
struct SQLiteWriterTests {
    @Test func valuesRoundTripThroughReusedStatements() async throws {
        try await withTestStore(.sqlite) { store in
            try await store.engine.transaction { db in
                try await db.raw("CREATE TABLE scratch (id INTEGER PRIMARY KEY, t TEXT, r REAL, b BLOB, n TEXT)").run()
            }
            // The same SQL with different binds, many times over: one prepared statement.
            for i in 0..<50 {
                let text = "row \(i) with a NUL\u{0} inside, £ and 🎉"
                let back = try await store.engine.transaction { db in
                    try await db.raw("""
                        INSERT INTO scratch (t, r, b, n) VALUES (\(bind: text), \(bind: Double(i) / 4), \(bind: Data([0, UInt8(i), 255])), \(bind: String?.none))
                        RETURNING id, t, r, b, n
                        """).first()!
                }
                #expect(try back.decode(column: "t", as: String.self) == text)
                #expect(try back.decode(column: "r", as: Double.self) == Double(i) / 4)
                #expect(try back.decode(column: "b", as: Data.self) == Data([0, UInt8(i), 255]))
                #expect(try back.decodeNil(column: "n"))
                #expect(try back.decode(column: "id", as: Int64.self) == Int64(i + 1))
                #expect(back.allColumns == ["id", "t", "r", "b", "n"])
                #expect(throws: (any Error).self) { try back.decode(column: "nope", as: String.self) }
            }
            // Readers (another connection) see what the writer committed.
            let count = try await store.engine.read { db in
                try await db.raw("SELECT COUNT(*) AS n FROM scratch").first()!.decode(column: "n", as: Int.self)
            }
            #expect(count == 50)
        }
    }

    @Test func aFailedStatementRollsBackAndItsSQLStillWorks() async throws {
        try await withTestStore(.sqlite) { store in
            try await store.engine.transaction { db in
                try await db.raw("CREATE TABLE scratch (k TEXT PRIMARY KEY)").run()
                try await db.raw("INSERT INTO scratch (k) VALUES (\(bind: "a"))").run()
            }
            do {
                try await store.engine.transaction { db in
                    try await db.raw("INSERT INTO scratch (k) VALUES (\(bind: "b"))").run()
                    try await db.raw("INSERT INTO scratch (k) VALUES (\(bind: "a"))").run()
                }
                Issue.record("a duplicate key was accepted")
            } catch {
                #expect(store.engine.isUniqueViolation(error), "\(error)")
                #expect("\(error)".contains("UNIQUE"))
            }
            // The same statement, now valid; and "b" from the failed transaction is gone.
            try await store.engine.transaction { db in try await db.raw("INSERT INTO scratch (k) VALUES (\(bind: "c"))").run() }
            let keys = try await store.engine.read { db in
                try await db.raw("SELECT k FROM scratch ORDER BY k").all().map { try $0.decode(column: "k", as: String.self) }
            }
            #expect(keys == ["a", "c"])
            await #expect(throws: (any Error).self) {
                try await store.engine.transaction { db in try await db.raw("SELEKT 1").run() }
            }
        }
    }

    @Test func manyDifferentStatementsStayCorrectPastThePreparedCap() async throws {
        try await withTestStore(.sqlite) { store in
            // More distinct statements than are kept prepared: the oldest are let go, none confused.
            for i in 0..<300 {
                let value = try await store.engine.transaction { db in
                    try await db.raw("SELECT \(unsafeRaw: String(i)) + \(bind: 1) AS v").first()!.decode(column: "v", as: Int.self)
                }
                #expect(value == i + 1)
            }
        }
    }
}
