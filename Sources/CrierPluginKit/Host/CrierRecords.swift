import Foundation

/// Crier's own records as plugins may see them: read in pages by id (keyset, so a million rows
/// stream in constant memory), plus the one bulk write the core offers plugins (customer import,
/// validated and journaled by the core). Every call is scoped to one venue.
public protocol CrierRecords: Sendable {
    /// The venues with these ids (cross-venue views name each venue).
    func venues(ids: [Int64]) async throws -> [Venue]
    /// The venue with this slug, or nil (a command's `--venue SLUG`).
    func venue(slug: String) async throws -> Venue?
    /// One customer of the venue, or nil.
    func customer(venueId: Int64, id: Int64) async throws -> Customer?
    /// How many customers the venue has (a progress bar's total).
    func customerCount(venueId: Int64) async throws -> Int
    /// Customers with ids above `after`, in id order.
    func customers(venueId: Int64, after: Int64, limit: Int) async throws -> [Customer]
    /// Events with ids above `after`, in id order.
    func events(venueId: Int64, after: Int64, limit: Int) async throws -> [Event]
    /// One event of the venue, or nil.
    func event(venueId: Int64, id: Int64) async throws -> Event?
    /// Bookings (with their customer and event) with ids above `after`, in id order; one event's when `eventId` is set.
    func bookings(venueId: Int64, eventId: Int64?, after: Int64, limit: Int) async throws -> [BookingRecord]
    /// Texts in and out with ids above `after`, in id order.
    func messages(venueId: Int64, after: Int64, limit: Int) async throws -> [Message]
    /// The venue's texts with these ids (a timeline page shows their words).
    func messages(venueId: Int64, ids: [Int64]) async throws -> [Message]
    /// Consent changes with ids above `after`, in id order.
    func consentChanges(venueId: Int64, after: Int64, limit: Int) async throws -> [ConsentChange]
    /// Checks `rows` as new customers of the venue and, unless `dryRun`, creates them in one
    /// transaction: every row, or (with `skipInvalid`) every good row. Problems: a missing name, a
    /// bad mobile, a mobile already a customer's or repeated in the file. `progress` hears how many
    /// rows were written so far, of how many will be (first with 0, once the rows are checked).
    func importCustomers(
        venueId: Int64, rows: CustomerImportRows, skipInvalid: Bool, dryRun: Bool, actor: Actor,
        progress: (@Sendable (_ written: Int, _ of: Int) -> Void)?
    ) async throws -> CustomerImportReport
}

extension CrierRecords {
    /// The venue's time zone (UTC if the venue is gone): the zone a page shows times and reads dates in.
    public func timeZone(venueId: Int64) async throws -> TimeZone {
        try await venues(ids: [venueId]).first?.timeZone ?? TimeZone(identifier: "UTC")!
    }
}

/// A booking with what an export or a guest list shows beside it.
public struct BookingRecord: Sendable, Equatable {
    public var booking: Booking
    public var customerName: String
    public var mobile: String
    public var eventName: String
    public var eventStartsAt: Date

    public init(booking: Booking, customerName: String, mobile: String, eventName: String, eventStartsAt: Date) {
        self.booking = booking
        self.customerName = customerName
        self.mobile = mobile
        self.eventName = eventName
        self.eventStartsAt = eventStartsAt
    }
}

/// One customer to import, with the line it came from (reports name lines, as a spreadsheet shows them).
/// An import's rows as a source read once per pass (checked, then written), so a file's rows
/// stream from where it is stored instead of being held together in memory.
public struct CustomerImportRows: Sendable {
    /// A new pass over the rows; each row is read when the import asks for it.
    public let make: @Sendable () -> any AsyncSequence<CustomerImportRow, any Error>

    public init(_ make: @escaping @Sendable () -> any AsyncSequence<CustomerImportRow, any Error>) {
        self.make = make
    }

    /// Rows already in memory (a short file, a test).
    public init(_ rows: [CustomerImportRow]) {
        make = { AsyncElements(rows) }
    }
}


public struct CustomerImportRow: Sendable, Equatable {
    public var line: Int
    public var input: CustomerInput

    public init(line: Int, input: CustomerInput) {
        self.line = line
        self.input = input
    }
}

/// What an import found and did.
public struct CustomerImportReport: Sendable, Equatable {
    /// Every row with problems, by line, each problem by field (`mobile`: "is already Ann Lee's").
    public var problems: [(line: Int, fields: [String: String])]
    /// Customers created (0 on a dry run, or when a bad row stopped an all-or-nothing import).
    public var created: Int
    /// Rows that were good.
    public var valid: Int

    public init(problems: [(line: Int, fields: [String: String])], created: Int, valid: Int) {
        self.problems = problems
        self.created = created
        self.valid = valid
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.created == b.created && a.valid == b.valid && a.problems.map(\.line) == b.problems.map(\.line)
            && a.problems.map(\.fields) == b.problems.map(\.fields)
    }
}
