import CrierCore
import Foundation
import SQLKit

/// Many customers added at once (a CSV import): every row checked as the form checks one, plus
/// mobiles repeated in the file or already a customer's; then all of them, or all the good ones,
/// written in one transaction, each journaled as if added one by one.
public struct CustomerImport: Sendable {
    let store: Store

    /// One row's problems, by field.
    public struct Problem: Sendable, Equatable {
        public var line: Int
        public var fields: [String: String]
    }

    /// What was found and done.
    public struct Outcome: Sendable, Equatable {
        public var problems: [Problem]
        public var valid: Int
        public var created: Int
    }

    public func run(
        venueId: Int64, rows: [(line: Int, input: CustomerInput)], skipInvalid: Bool, dryRun: Bool, actor: Actor,
        progress: (@Sendable (_ written: Int, _ of: Int) -> Void)? = nil
    ) async throws -> Outcome {
        guard let venue = try await store.venues.byID(venueId) else { throw CrierError.notFound("venue") }
        var problems: [Int: [String: String]] = [:]
        var good: [(line: Int, fields: CustomerFields)] = []
        var firstLine: [String: Int] = [:]
        for row in rows {
            do {
                let fields = try row.input.validated(region: venue.defaultRegion)
                if let earlier = firstLine[fields.mobile.e164] {
                    problems[row.line, default: [:]]["mobile"] = "repeats the mobile on line \(earlier)"
                } else {
                    firstLine[fields.mobile.e164] = row.line
                    good.append((row.line, fields))
                }
            } catch {
                problems[row.line] = error.fields
            }
        }
        let mobiles = Array(firstLine.keys)
        let taken = try await store.engine.read { db in try await Self.existing(db, venueId: venueId, mobiles: mobiles) }
        good.removeAll { row in
            guard let owner = taken[row.fields.mobile.e164] else { return false }
            problems[row.line, default: [:]]["mobile"] = "already belongs to \(owner.name) (customer \(owner.id))"
            return true
        }
        let report = problems.keys.sorted().map { Problem(line: $0, fields: problems[$0]!) }
        guard !dryRun, skipInvalid || report.isEmpty, !good.isEmpty else {
            return Outcome(problems: report, valid: good.count, created: 0)
        }
        let now = store.clock.now()
        let toWrite = good
        let created = try await store.engine.transaction(deadline: StoreDeadlines.bulk) { db in
            // Checked again under the transaction: someone may have added one of these meanwhile.
            let raced = try await Self.existing(db, venueId: venueId, mobiles: toWrite.map(\.fields.mobile.e164))
            if let clash = toWrite.first(where: { raced[$0.fields.mobile.e164] != nil }) {
                throw CrierError.conflict(
                    code: "mobile_taken", message: "line \(clash.line): \(clash.fields.mobile.e164) was added meanwhile; nothing was imported",
                    fields: ["mobile": "was added meanwhile"])
            }
            let journal = JournalWriter(db: db, actor: actor, at: now)
            progress?(0, toWrite.count)
            for (i, row) in toWrite.enumerated() {
                _ = try await Customers.insert(db, venueId: venueId, fields: row.fields, journal: journal, consentSource: .import)
                if (i + 1) % 500 == 0 { progress?(i + 1, toWrite.count) }
            }
            progress?(toWrite.count, toWrite.count)
            return toWrite.count
        }
        return Outcome(problems: report, valid: good.count, created: created)
    }

    /// Which of `mobiles` already belong to the venue's customers, with whose they are.
    static func existing(_ db: any SQLDatabase, venueId: Int64, mobiles: [String]) async throws -> [String: (id: Int64, name: String)] {
        var found: [String: (id: Int64, name: String)] = [:]
        var start = 0
        while start < mobiles.count {
            let chunk = mobiles[start..<min(start + 500, mobiles.count)]
            start += 500
            let list = chunk.map { SQLQueryString("\(bind: $0)") }.joined(separator: ", ")
            for row in try await db.raw("""
                SELECT id, first_name, last_name, mobile FROM customers WHERE venue_id = \(bind: venueId) AND mobile IN (\(list))
                """).all() {
                found[try row.decode(column: "mobile", as: String.self)] = (
                    try row.decode(column: "id", as: Int64.self),
                    "\(try row.decode(column: "first_name", as: String.self)) \(try row.decode(column: "last_name", as: String.self))")
            }
        }
        return found
    }
}
