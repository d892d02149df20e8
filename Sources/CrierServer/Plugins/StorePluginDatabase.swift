import CrierPluginKit
import CrierStore
import SQLKit

/// The database as plugins see it: where their own tables live (`Store.pluginEngine`).
struct StorePluginDatabase: PluginDatabase {
    let store: Store

    var flavor: SQLFlavor { SQLFlavor(store.pluginEngine.kind) }

    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await store.pluginEngine.read(body)
    }

    func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await store.pluginEngine.transaction(body)
    }

    func isUniqueViolation(_ error: any Error) -> Bool { store.pluginEngine.isUniqueViolation(error) }
}

/// Crier's records as plugins see them: the store's keyset pages and customer import.
struct StoreRecords: CrierRecords {
    let store: Store

    func venues(ids: [Int64]) async throws -> [Venue] {
        var venues: [Venue] = []
        for id in ids { if let venue = try await store.venues.byID(id) { venues.append(venue) } }
        return venues
    }

    func venue(slug: String) async throws -> Venue? { try await store.venues.bySlug(slug) }

    func customer(venueId: Int64, id: Int64) async throws -> Customer? {
        do { return try await store.customers.get(venueId: venueId, id: id) } catch CrierError.notFound { return nil }
    }

    func customerCount(venueId: Int64) async throws -> Int { try await store.records.customerCount(venueId: venueId) }

    func customers(venueId: Int64, after: Int64, limit: Int) async throws -> [Customer] {
        try await store.records.customers(venueId: venueId, after: after, limit: limit)
    }

    func events(venueId: Int64, after: Int64, limit: Int) async throws -> [Event] {
        try await store.records.events(venueId: venueId, after: after, limit: limit)
    }

    func event(venueId: Int64, id: Int64) async throws -> Event? { try await store.records.event(venueId: venueId, id: id) }

    func bookings(venueId: Int64, eventId: Int64?, after: Int64, limit: Int) async throws -> [BookingRecord] {
        try await store.records.bookings(venueId: venueId, eventId: eventId, after: after, limit: limit).map {
            BookingRecord(booking: $0.booking, customerName: $0.customerName, mobile: $0.mobile, eventName: $0.eventName, eventStartsAt: $0.startsAt)
        }
    }

    func messages(venueId: Int64, after: Int64, limit: Int) async throws -> [Message] {
        try await store.records.messages(venueId: venueId, after: after, limit: limit)
    }

    func messages(venueId: Int64, ids: [Int64]) async throws -> [Message] { try await store.records.messages(venueId: venueId, ids: ids) }

    func consentChanges(venueId: Int64, after: Int64, limit: Int) async throws -> [ConsentChange] {
        try await store.records.consentChanges(venueId: venueId, after: after, limit: limit)
    }

    func importCustomers(
        venueId: Int64, rows: CustomerImportRows, skipInvalid: Bool, dryRun: Bool, actor: Actor, progress: (@Sendable (Int, Int) -> Void)?
    ) async throws -> CustomerImportReport {
        let source: CustomerImport.Rows = { ImportRowsAsTuples(base: rows.make()) }
        let outcome = try await store.customerImport.run(
            venueId: venueId, rows: source, skipInvalid: skipInvalid, dryRun: dryRun, actor: actor, progress: progress)
        return CustomerImportReport(problems: outcome.problems.map { ($0.line, $0.fields) }, created: outcome.created, valid: outcome.valid)
    }
}

/// A plugin's import rows as the store reads them.
struct ImportRowsAsTuples: AsyncSequence, @unchecked Sendable {
    // Iterated by one import pass at a time, never shared.
    let base: any AsyncSequence<CustomerImportRow, any Error>

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: any AsyncIteratorProtocol<CustomerImportRow, any Error>
        mutating func next() async throws -> (line: Int, input: CustomerInput)? {
            guard let row = try await base.next() else { return nil }
            return (row.line, row.input)
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: base.makeAsyncIterator()) }
}
