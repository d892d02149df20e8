import Foundation

/// Local days, first to last inclusive, in a venue's zone: what delivery statistics are asked for.
/// Each day starts at its own local midnight, so a day across a DST change is 23 or 25 hours long.
public struct StatisticsRange: Sendable, Equatable {
    /// The most days one request may cover.
    public static let maxDays = 366

    public let first: String
    public let last: String
    public let zone: TimeZone
    /// Each day's start, and one more: the end of the last day.
    public let boundaries: [Date]

    /// From `from` to `to` (YYYY-MM-DD, the venue's days); absent, the 30 days to `now`'s day.
    /// Every refusal names its parameter.
    public static func read(from: String?, to: String?, zone: TimeZone, now: Date) throws(CrierError) -> StatisticsRange {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        var errors = FieldErrors()
        func day(_ name: String, _ text: String?) -> Date? {
            guard let text, !text.isEmpty else { return nil }
            guard let date = EventTime.dateInput(text, in: zone) else {
                errors.add(name, "must be a date as YYYY-MM-DD")
                return nil
            }
            return date
        }
        let givenFrom = day("from", from), givenTo = day("to", to)
        if !errors.isEmpty { throw .invalid(errors) }
        let last = givenTo ?? calendar.startOfDay(for: now)
        let first = givenFrom ?? calendar.date(byAdding: .day, value: -29, to: last)!
        let count = (calendar.dateComponents([.day], from: first, to: last).day ?? 0) + 1
        if count < 1 { throw .invalid(FieldErrors("to", "must not be before from")) }
        if count > maxDays { throw .invalid(FieldErrors("to", "must be at most \(maxDays) days after from")) }
        let boundaries = (0...count).map { calendar.date(byAdding: .day, value: $0, to: first)! }
        return StatisticsRange(first: EventTime.dayString(first, in: zone), last: EventTime.dayString(last, in: zone), zone: zone, boundaries: boundaries)
    }

    public var dayCount: Int { boundaries.count - 1 }
    public var start: Date { boundaries[0] }
    public var end: Date { boundaries[boundaries.count - 1] }

    /// Which day `instant` falls on, if any.
    public func dayIndex(of instant: Date) -> Int? {
        guard instant >= start, instant < end else { return nil }
        var low = 0, high = dayCount - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if boundaries[mid] <= instant { low = mid } else { high = mid - 1 }
        }
        return low
    }
}

/// What happened to outbound texts: how many went to the provider, were delivered, failed (and
/// with which error), and the segments they cost.
public struct DeliveryFigures: Sendable, Equatable {
    /// Handed to the provider.
    public var sent = 0
    public var delivered = 0
    /// Failed or undelivered, whether or not the provider took them first.
    public var failed = 0
    /// Failures by the provider's error code ("none" when it gave none).
    public var failedBy: [String: Int] = [:]
    /// Segments of the texts the provider accepted: what they are billed.
    public var segments = 0

    public init() {}

    /// Delivered out of sent; nil when nothing was sent. Texts still waiting for a delivery
    /// report count as sent, not delivered.
    public var deliveryRate: Double? { sent == 0 ? nil : Double(delivered) / Double(sent) }

    public var isEmpty: Bool { sent == 0 && failed == 0 && delivered == 0 }

    public static func + (a: DeliveryFigures, b: DeliveryFigures) -> DeliveryFigures {
        var out = a
        out.sent += b.sent
        out.delivered += b.delivered
        out.failed += b.failed
        out.segments += b.segments
        out.failedBy.merge(b.failedBy, uniquingKeysWith: +)
        return out
    }
}

/// Delivery statistics per local day and per kind of text, with each day's opt-outs and replies.
public struct DeliveryStatistics: Sendable, Equatable {
    /// One day.
    public struct Day: Sendable, Equatable {
        /// YYYY-MM-DD, the venue's.
        public var day: String
        public var start: Date
        public var kinds: [MessageKind: DeliveryFigures] = [:]
        /// Customers who stopped booking texts (STOP, staff, the API, the provider).
        public var optOuts = 0
        /// Texts customers sent.
        public var replies = 0

        public var total: DeliveryFigures { kinds.values.reduce(DeliveryFigures(), +) }
    }

    public var range: StatisticsRange
    public var days: [Day]

    public init(range: StatisticsRange) {
        self.range = range
        days = (0..<range.dayCount).map { i in
            Day(day: EventTime.dayString(range.boundaries[i], in: range.zone), start: range.boundaries[i])
        }
    }

    public var total: DeliveryFigures { days.map(\.total).reduce(DeliveryFigures(), +) }
    public var optOuts: Int { days.reduce(0) { $0 + $1.optOuts } }
    public var replies: Int { days.reduce(0) { $0 + $1.replies } }

    /// Each kind's figures over the whole range.
    public var kinds: [MessageKind: DeliveryFigures] {
        days.reduce(into: [:]) { out, day in
            for (kind, figures) in day.kinds { out[kind] = (out[kind] ?? DeliveryFigures()) + figures }
        }
    }
}
