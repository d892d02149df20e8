import ArgumentParser
import Contacts
import CrierCore
import CrierPluginKit
import CrierServer
import CrierStore
import Foundation
import Logging
import SQLKit

/// Enabling the contacts plugin on a database with a long history: how fast its projection reads
/// a million journal entries from the first one, and the process's peak memory while it does.
struct BackfillBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backfill", abstract: "Backfill the contacts projection from a journal of about 1M entries.")
    @OptionGroup var engines: Engines
    @Option(help: "Customers in the history (about 10 journal entries each).") var customers = 100_000

    func run() async throws {
        let customers = customers
        print("backfill: contacts projection over a journal of about \(customers * 10) entries (batches of 500)")
        print("engine     entries     seconds   entries/s   peak RSS MB")
        try await engines.each { engine, store in
            let venue = try await store.venues.create(
                try VenueSettings.validate(slug: "bench", name: "Bench", timezone: "Europe/London", defaultRegion: "GB"), actor: .system)
            try await Self.seed(store, venueId: venue.id, customers: customers)
            let entries = try await store.checkpoints.journalHead()
            var logger = Logger(label: "bench")
            logger.logLevel = .error
            let host = try PluginHost.load(
                catalogue: [ContactsPlugin.self], selection: PluginSelection(nil, known: ["contacts"]), environment: [:], logger: logger,
                clock: SystemClock(), http: .shared)
            try await host.migrate(store)
            let start = ContinuousClock.now
            let applied = try await host.projections(store: store).catchUp()
            let seconds = (ContinuousClock.now - start).seconds
            precondition(Int64(applied) == entries, "applied \(applied) of \(entries)")
            let contacts = try await store.engine.read { db in
                try await db.raw("SELECT COUNT(*) AS n FROM contacts").first()?.decode(column: "n", as: Int.self) ?? 0
            }
            precondition(contacts == customers, "built \(contacts) contacts of \(customers)")
            print(String(format: "%-9@ %9d %10.1f %11.0f %13.0f", engine as NSString, applied, seconds, Double(applied) / seconds,
                         PeakMemory.megabytes()))
        }
    }

    /// A venue's history: per customer, their creation and consent, two bookings (one reminder-only)
    /// with two texts each; every other customer changes a booking, every other cancels one, and
    /// every customer replies once. 1,000 events. Written straight to the journal in big inserts.
    static func seed(_ store: Store, venueId: Int64, customers: Int) async throws {
        let events = 1_000
        let base = Date().millisecondsSince1970 - 86_400_000 * 30
        var rows: [SQLQueryString] = []
        var at = base
        func add(_ customer: Int?, _ kind: String, _ type: String, _ subject: Int, _ data: String) {
            at += 1
            rows.append("""
                (\(bind: venueId), \(bind: customer.map(Int64.init)), \(bind: kind), \(bind: type), \(bind: Int64(subject)), \(bind: data), 'system', \(bind: at))
                """)
        }
        func flush(force: Bool = false) async throws {
            guard rows.count >= 500 || (force && !rows.isEmpty) else { return }
            let values = rows.joined(separator: ", ")
            rows.removeAll(keepingCapacity: true)
            try await store.engine.transaction { db in
                try await db.raw("""
                    INSERT INTO journal (venue_id, customer_id, kind, subject_type, subject_id, data, actor, created_at) VALUES \(values)
                    """).run()
            }
        }
        for e in 1...events {
            add(nil, "event.created", "event", e, #"{"name":"Event \#(e)","starts_at":"2026-12-\#(String(format: "%02d", e % 28 + 1))T19:30:00Z"}"#)
            try await flush()
        }
        var booking = 0, message = 0
        for c in 1...customers {
            add(c, "customer.created", "customer", c, #"{"first_name":"First\#(c)","last_name":"Last\#(c)","mobile":"+4477\#(String(format: "%08d", c))"}"#)
            add(c, "consent.granted", "customer", c, #"{"purpose":"transactional","source":"signup"}"#)
            for k in 0..<2 {
                booking += 1
                add(c, "booking.created", "booking", booking, #"{"event_id":\#((c * 7 + k) % events + 1),"seats":\#(k == 0 ? 2 : 0)}"#)
                for _ in 0..<2 {
                    message += 1
                    add(c, "message.sent", "message", message, #"{"kind":"confirmation"}"#)
                }
            }
            if c % 2 == 0 { add(c, "booking.changed", "booking", booking - 1, #"{"changed":{"seats":3},"previous":{"seats":2}}"#) }
            if c % 2 == 1 { add(c, "booking.cancelled", "booking", booking, #"{"seats":0}"#) }
            message += 1
            add(c, "message.received", "message", message, #"{"matched":true}"#)
            try await flush()
        }
        try await flush(force: true)
    }
}

/// A process's resident memory (VmRSS) and peak (VmHWM) on Linux: this one's or a child's.
enum PeakMemory {
    /// Starts the peak again from the present size (Linux: writing 5 to clear_refs), so a figure
    /// covers one step, not the seeding before it.
    static func reset(pid: Int32? = nil) {
        guard let file = FileHandle(forWritingAtPath: "/proc/\(pid.map(String.init) ?? "self")/clear_refs") else { return }
        file.write(Data("5".utf8))
        try? file.close()
    }

    static func megabytes(pid: Int32? = nil) -> Double { field("VmHWM:", pid: pid) }

    static func current(pid: Int32? = nil) -> Double { field("VmRSS:", pid: pid) }

    static func field(_ name: String, pid: Int32?) -> Double {
        guard let status = try? String(contentsOfFile: "/proc/\(pid.map(String.init) ?? "self")/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name) })
        else { return 0 }
        return Double(line.split(separator: " ").dropFirst().first.flatMap { Double($0) } ?? 0) / 1024
    }
}
