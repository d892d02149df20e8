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

    /// The rows of an import, read as often as needed (twice: checked, then written), never all
    /// held at once: a file's rows come straight from where it is stored.
    /// Pulled, not pushed: a row is read when the import is ready for it.
    public typealias Rows = @Sendable () -> any AsyncSequence<(line: Int, input: CustomerInput), any Error>

    public func run(
        venueId: Int64, rows: [(line: Int, input: CustomerInput)], skipInvalid: Bool, dryRun: Bool, actor: Actor,
        progress: (@Sendable (_ written: Int, _ of: Int) -> Void)? = nil
    ) async throws -> Outcome {
        return try await run(venueId: venueId, rows: { AsyncElements(rows) }, skipInvalid: skipInvalid, dryRun: dryRun, actor: actor, progress: progress)
    }

    /// Checks every row as it streams past, keeping only each good mobile's first line and the
    /// problems; then, unless `dryRun` or refused, streams the rows again inside one transaction and
    /// writes the good ones. Memory grows with the number of rows' mobiles, not with their text.
    public func run(
        venueId: Int64, rows: @escaping Rows, skipInvalid: Bool, dryRun: Bool, actor: Actor,
        progress: (@Sendable (_ written: Int, _ of: Int) -> Void)? = nil
    ) async throws -> Outcome {
        guard let venue = try await store.venues.byID(venueId) else { throw CrierError.notFound("venue") }
        var problems: [Int: [String: String]] = [:]
        var firstLine: [String: Int] = [:]
        for try await row in rows() {
            do {
                let fields = try row.input.validated(region: venue.defaultRegion)
                if let earlier = firstLine[fields.mobile.e164] {
                    problems[row.line, default: [:]]["mobile"] = "repeats the mobile on line \(earlier)"
                } else {
                    firstLine[fields.mobile.e164] = row.line
                }
            } catch {
                problems[row.line] = error.fields
            }
        }
        let mobiles = Array(firstLine.keys)
        let taken = try await store.engine.read { db in try await Self.existing(db, venueId: venueId, mobiles: mobiles) }
        for (mobile, owner) in taken {
            guard let line = firstLine.removeValue(forKey: mobile) else { continue }
            problems[line, default: [:]]["mobile"] = "already belongs to \(owner.name) (customer \(owner.id))"
        }
        let report = problems.keys.sorted().map { Problem(line: $0, fields: problems[$0]!) }
        let goodCount = firstLine.count
        guard !dryRun, skipInvalid || report.isEmpty, goodCount > 0 else {
            return Outcome(problems: report, valid: goodCount, created: 0)
        }
        let now = store.clock.now()
        let good = firstLine
        let created = try await store.engine.transaction(deadline: StoreDeadlines.bulk) { db in
            // Checked again under the transaction: someone may have added one of these meanwhile.
            let raced = try await Self.existing(db, venueId: venueId, mobiles: Array(good.keys))
            if let (mobile, line) = good.first(where: { raced[$0.key] != nil }).map({ ($0.key, $0.value) }) {
                throw CrierError.conflict(
                    code: "mobile_taken", message: "line \(line): \(mobile) was added meanwhile; nothing was imported",
                    fields: ["mobile": "was added meanwhile"])
            }
            let journal = JournalWriter(db: db, actor: actor, at: now)
            let kept = try await OptOutMemory.Kept.load(db, venueId: venueId)
            progress?(0, good.count)
            var written = 0
            for try await row in rows() {
                // Only each good mobile's first line; its fields were valid the first time round.
                guard let fields = try? row.input.validated(region: venue.defaultRegion), good[fields.mobile.e164] == row.line else { continue }
                _ = try await Customers.insert(db, venueId: venueId, fields: fields, journal: journal, consentSource: .import, keptOptOuts: kept)
                written += 1
                if written % 500 == 0 { progress?(written, good.count) }
            }
            progress?(written, good.count)
            return written
        }
        return Outcome(problems: report, valid: goodCount, created: created)
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
