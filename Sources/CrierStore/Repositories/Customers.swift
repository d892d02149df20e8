import CrierCore
import Foundation
import SQLKit

/// Customers of one venue: unique by mobile, listed A-Z by last name.
public struct Customers: Sendable {
    let store: Store

    static let columns = "id, venue_id, first_name, last_name, mobile, email, notes, created_at, updated_at"

    /// Adds a customer with transactional SMS consent (they are being booked in); a mobile already
    /// in the venue is a 409 naming the customer who has it.
    public func create(venue: Venue, input: CustomerInput, actor: Actor, consentSource: ConsentSource = .signup)
        async throws -> Customer
    {
        let fields = try validate(input, venue: venue)
        let now = store.clock.now()
        return try await store.retryingAfterRace {
            try await store.engine.transaction { db in
                try await Self.refuseTakenMobile(db, venueId: venue.id, mobile: fields.mobile, except: nil)
                return try await Self.insert(db, venueId: venue.id, fields: fields, journal: JournalWriter(db: db, actor: actor, at: now),
                                             consentSource: consentSource)
            }
        }
    }

    /// Inserts a checked customer with transactional consent, journaled, inside the caller's
    /// transaction. `keptOptOuts` is the venue's, read once by a caller adding many (read here otherwise).
    static func insert(
        _ db: any SQLDatabase, venueId: Int64, fields: CustomerFields, journal: JournalWriter, consentSource: ConsentSource,
        keptOptOuts: OptOutMemory.Kept? = nil
    ) async throws -> Customer {
        let now = journal.at
        let sort = fields.sortKey
        let consent = ConsentState.newCustomer
        let id = try await db.insertReturningID("""
            INSERT INTO customers (venue_id, first_name, last_name, mobile, email, notes, sort_last, sort_first,
                search_text, sms_transactional, sms_marketing, created_at, updated_at)
            VALUES (\(bind: venueId), \(bind: fields.firstName), \(bind: fields.lastName), \(bind: fields.mobile.e164),
                \(bind: fields.email), \(bind: fields.notes), \(bind: sort.last), \(bind: sort.first),
                \(bind: fields.searchText), \(bind: consent.transactional), \(bind: consent.marketing),
                \(bind: now.millisecondsSince1970), \(bind: now.millisecondsSince1970))
            """)
        try await journal.append(
            venueId: venueId, customerId: id, subjectId: id, .customerCreated(journalRecord(fields)))
        // An erased customer with this number had opted out: the number stays out until START.
        let kept = if let keptOptOuts { keptOptOuts } else { try await OptOutMemory.Kept.load(db, venueId: venueId) }
        let keptOut = kept.contains(fields.mobile.e164)
        try await Consents.record(
            db, journal: journal, venueId: venueId, customerId: id, purpose: .transactional, granted: !keptOut,
            source: keptOut ? .erasedOptOut : consentSource, note: nil)
        return Customer(
            id: id, venueId: venueId, firstName: fields.firstName, lastName: fields.lastName,
            mobile: fields.mobile, email: fields.email, notes: fields.notes, createdAt: now, updatedAt: now)
    }

    /// The venue's customer with this id; 404 when it does not exist or belongs to another venue.
    public func get(venueId: Int64, id: Int64) async throws -> Customer {
        try await store.engine.read { db in try await Self.fetch(db, venueId: venueId, id: id) }
    }

    /// The venue's customer with this E.164 mobile, if any.
    public func byMobile(venueId: Int64, mobile: PhoneNumber) async throws -> Customer? {
        try await store.engine.read { db in
            try await db.raw("""
                SELECT \(unsafeRaw: Self.columns) FROM customers WHERE venue_id = \(bind: venueId) AND mobile = \(bind: mobile.e164)
                """).first().map(Self.decode)
        }
    }

    /// Applies `change` to the customer's current fields, validates the result and saves it.
    public func update(
        venue: Venue, id: Int64, actor: Actor, change: @escaping @Sendable (CustomerInput) -> CustomerInput
    ) async throws -> Customer {
        let now = store.clock.now()
        let region = venue.defaultRegion
        return try await store.retryingAfterRace {
            try await store.engine.transaction { db in
                let old = try await Self.fetch(db, venueId: venue.id, id: id)
                let fields: CustomerFields
                do throws(FieldErrors) { fields = try change(CustomerInput(old)).validated(region: region) } catch {
                    throw CrierError.invalid(error)
                }
                try await Self.refuseTakenMobile(db, venueId: venue.id, mobile: fields.mobile, except: id)
                let sort = fields.sortKey
                try await db.raw("""
                    UPDATE customers SET first_name = \(bind: fields.firstName), last_name = \(bind: fields.lastName),
                        mobile = \(bind: fields.mobile.e164), email = \(bind: fields.email), notes = \(bind: fields.notes),
                        sort_last = \(bind: sort.last), sort_first = \(bind: sort.first), search_text = \(bind: fields.searchText),
                        updated_at = \(bind: now.millisecondsSince1970)
                    WHERE id = \(bind: id) AND venue_id = \(bind: venue.id)
                    """).run()
                if fields.mobile != old.mobile {
                    // Pending texts follow the customer to their new number.
                    try await db.raw("""
                        UPDATE messages SET to_number = \(bind: fields.mobile.e164) WHERE customer_id = \(bind: id) AND status = 'scheduled'
                        """).run()
                }
                let before = CustomerFields(
                    firstName: old.firstName, lastName: old.lastName, mobile: old.mobile, email: old.email, notes: old.notes)
                let change = CustomerChanged(from: Self.journalRecord(before), to: Self.journalRecord(fields))
                if !change.isEmpty {
                    try await JournalWriter(db: db, actor: actor, at: now).append(venueId: venue.id, customerId: id, subjectId: id, .customerChanged(change))
                }
                return Customer(
                    id: id, venueId: venue.id, firstName: fields.firstName, lastName: fields.lastName, mobile: fields.mobile,
                    email: fields.email, notes: fields.notes, createdAt: old.createdAt, updatedAt: now)
            }
        }
    }

    /// Deletes a customer with their bookings and consent history; journals each removed booking.
    /// No SMS is sent (DESIGN.md section 3).
    public func delete(venueId: Int64, id: Int64, actor: Actor) async throws {
        let now = store.clock.now()
        try await store.engine.transaction { db in
            let customer = try await Self.fetch(db, venueId: venueId, id: id)
            let journal = JournalWriter(db: db, actor: actor, at: now)
            try await Outbox(db: db, journal: journal).withdrawPending(.customer(id), reason: MessageReason.customerDeleted)
            let bookings = try await db.raw("""
                SELECT id, event_id, seats, status FROM bookings WHERE customer_id = \(bind: id) ORDER BY id
                """).all()
            for row in bookings {
                let bookingId = try row.decode(column: "id", as: Int64.self)
                try await journal.append(
                    venueId: venueId, customerId: id, subjectId: bookingId,
                    .bookingDeleted(BookingDeleted(
                        eventId: try row.decode(column: "event_id", as: Int64.self), seats: try row.decode(column: "seats", as: Int.self),
                        reason: MessageReason.customerDeleted)))
            }
            try await db.raw("DELETE FROM customers WHERE id = \(bind: id) AND venue_id = \(bind: venueId)").run()
            try await journal.append(
                venueId: venueId, customerId: id, subjectId: id,
                .customerDeleted(CustomerDeleted(name: customer.fullName, bookingsDeleted: bookings.count)))
        }
    }

    /// Customers A-Z by last name then first name; `query` matches names (any order, accents
    /// ignored) or the mobile (as typed in the venue's region, or any run of its digits).
    public func list(venue: Venue, query: String?, cursor: String?, limit: Int) async throws -> Page<Customer> {
        let after = try cursor.map { c throws(CrierError) in try Cursor.decode(c, count: 3) }
        let terms = Self.searchTerms(query, region: venue.defaultRegion)
        return try await store.engine.read { db in
            var sql = SQLQueryString("SELECT \(unsafeRaw: Self.columns) FROM customers WHERE venue_id = \(bind: venue.id)")
            for term in terms {
                let pattern = "%" + Self.escapeLike(term) + "%"
                sql += " AND search_text LIKE \(bind: pattern) ESCAPE '\\'"
            }
            if let after, let last = after[0].stringValue, let first = after[1].stringValue, let id = after[2].int64Value {
                sql += """
                     AND (sort_last > \(bind: last) OR (sort_last = \(bind: last) AND (sort_first > \(bind: first)
                         OR (sort_first = \(bind: first) AND id > \(bind: id)))))
                    """
            }
            sql += " ORDER BY sort_last, sort_first, id LIMIT \(bind: limit + 1)"
            // The sort key is derived from the names exactly as it was stored.
            return Page(rows: try await db.raw(sql).all().map(Self.decode), limit: limit) {
                [.string(CustomerFields.fold($0.lastName)), .string(CustomerFields.fold($0.firstName)), .number(Double($0.id))]
            }
        }
    }

    func validate(_ input: CustomerInput, venue: Venue) throws(CrierError) -> CustomerFields {
        do { return try input.validated(region: venue.defaultRegion) } catch { throw .invalid(error) }
    }

    static func searchTerms(_ query: String?, region: String) -> [String] {
        guard let query = query?.trimmingCharacters(in: .whitespaces), !query.isEmpty else { return [] }
        if let phone = try? PhoneNumber.parse(query, defaultRegion: region) { return [phone.e164] }
        let digits = query.filter(\.isNumber)
        if digits.count >= 3, query.allSatisfy({ $0.isNumber || " +-().".contains($0) }) {
            // Part of a number: match its digits, minus a national trunk 0 ("07700" finds +447700...).
            return [digits.hasPrefix("0") ? String(digits.dropFirst()) : digits]
        }
        return CustomerFields.fold(query).split(whereSeparator: \.isWhitespace).map(String.init)
    }

    static func escapeLike(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
    }

    static func fetch(_ db: any SQLDatabase, venueId: Int64, id: Int64) async throws -> Customer {
        guard let row = try await db.raw("""
            SELECT \(unsafeRaw: columns) FROM customers WHERE id = \(bind: id) AND venue_id = \(bind: venueId)
            """).first()
        else { throw CrierError.notFound("customer") }
        return try decode(row)
    }

    static func refuseTakenMobile(_ db: any SQLDatabase, venueId: Int64, mobile: PhoneNumber, except: Int64?) async throws {
        guard let row = try await db.raw("""
            SELECT id, first_name, last_name FROM customers WHERE venue_id = \(bind: venueId) AND mobile = \(bind: mobile.e164)
            """).first()
        else { return }
        let id = try row.decode(column: "id", as: Int64.self)
        if id == except { return }
        let name = "\(try row.decode(column: "first_name", as: String.self)) \(try row.decode(column: "last_name", as: String.self))"
        throw CrierError.conflict(
            code: "mobile_taken", message: "\(mobile.e164) already belongs to \(name) (customer \(id))",
            fields: ["mobile": "already belongs to \(name) (customer \(id))"],
            details: ["existing_customer_id": .number(Double(id)), "existing_customer_name": .string(name)])
    }

    static func journalRecord(_ f: CustomerFields) -> CustomerCreated {
        CustomerCreated(firstName: f.firstName, lastName: f.lastName, mobile: f.mobile.e164, email: f.email, notes: f.notes)
    }

    static func decode(_ row: any SQLRow) throws -> Customer {
        Customer(
            id: try row.decode(column: "id", as: Int64.self),
            venueId: try row.decode(column: "venue_id", as: Int64.self),
            firstName: try row.decode(column: "first_name", as: String.self),
            lastName: try row.decode(column: "last_name", as: String.self),
            mobile: PhoneNumber(trusted: try row.decode(column: "mobile", as: String.self)),
            email: try row.decode(column: "email", as: String?.self),
            notes: try row.decode(column: "notes", as: String?.self),
            createdAt: Date(millisecondsSince1970: try row.decode(column: "created_at", as: Int64.self)),
            updatedAt: Date(millisecondsSince1970: try row.decode(column: "updated_at", as: Int64.self)))
    }
}
