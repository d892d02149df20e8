import Foundation

/// Reads and writes event times: staff think in the venue's wall clock, integrators in RFC 3339.
public enum EventTime {
    /// Parses RFC 3339 with an offset (`2026-12-05T19:30:00Z`, `...+01:00`) or a local
    /// `YYYY-MM-DDTHH:MM[:SS]` read in the venue's zone (a space may stand for the `T`).
    /// A local time that the clocks skip (spring forward) is refused rather than guessed;
    /// one that happens twice (fall back) means the first, as a diary would.
    public static func parse(_ text: String, in zone: TimeZone) -> Result<Date, EventTimeError> {
        let text = text.trimmingCharacters(in: .whitespaces)
        guard let local = LocalDateTime(text) else {
            if let date = rfc3339(text) { return .success(date) }
            return .failure(.malformed)
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = DateComponents(
            year: local.year, month: local.month, day: local.day, hour: local.hour, minute: local.minute,
            second: local.second)
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        // The calendar date itself must exist (no 31 April), whatever the clocks do that night.
        guard parts.isValidDate(in: utc), let date = calendar.date(from: parts) else { return .failure(.malformed) }
        let back = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        guard back.hour == local.hour, back.minute == local.minute, back.day == local.day else {
            return .failure(.skippedByClockChange(zone.identifier))
        }
        // Of two instants with this wall-clock time, take the earlier one.
        let earlier = date.addingTimeInterval(-3600)
        let again = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: earlier)
        return .success(again == back ? earlier : date)
    }

    /// The start of the day `YYYY-MM-DD` in the zone (a filter's "since" or "from"); nil unless
    /// it names a day that exists.
    public static func day(_ text: String, in zone: TimeZone) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, let date = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2])),
              calendar.component(.day, from: date) == parts[2] else { return nil }
        return date
    }

    /// A `YYYY-MM-DD` exactly as a date input sends it (ten characters: `day` alone would take
    /// 2026-1-5), as that day's start in the zone.
    public static func dateInput(_ text: String, in zone: TimeZone) -> Date? {
        text.count == 10 ? day(text, in: zone) : nil
    }

    /// `YYYY-MM-DDTHH:MM` in the zone: the value of an HTML `datetime-local` input.
    public static func local(_ date: Date, in zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%04d-%02d-%02dT%02d:%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!)
    }

    /// `YYYY-MM-DD` in the zone: the value of an HTML `date` input.
    public static func dayString(_ date: Date, in zone: TimeZone) -> String { String(local(date, in: zone).prefix(10)) }

    /// RFC 3339 with the zone's offset at that instant, e.g. `2026-12-05T19:30:00+00:00`.
    public static func rfc3339(_ date: Date, in zone: TimeZone) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = zone
        formatter.formatOptions = [.withInternetDateTime, .withColonSeparatorInTimeZone]
        return formatter.string(from: date)
    }

    /// Parses RFC 3339 (with or without fractional seconds). Nil when there is no offset.
    public static func rfc3339(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return date.truncatedToMilliseconds }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)?.truncatedToMilliseconds
    }
}

/// Why an event time could not be read.
public enum EventTimeError: Error, Sendable, Equatable {
    case malformed
    case skippedByClockChange(String)

    public var message: String {
        switch self {
        case .malformed:
            return "must be a local time YYYY-MM-DDTHH:MM or RFC 3339 with an offset (2026-12-05T19:30:00Z)"
        case .skippedByClockChange(let zone):
            return "does not exist in \(zone): the clocks go forward over it"
        }
    }
}

/// The digits of `YYYY-MM-DDTHH:MM[:SS]` with no offset.
struct LocalDateTime {
    let year, month, day, hour, minute, second: Int

    init?(_ text: String) {
        let chars = Array(text)
        guard chars.count == 16 || chars.count == 19, chars[4] == "-", chars[7] == "-",
            chars[10] == "T" || chars[10] == " ", chars[13] == ":"
        else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            let slice = chars[range]
            guard slice.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            return Int(String(slice))
        }
        guard let y = number(0..<4), let mo = number(5..<7), let d = number(8..<10), let h = number(11..<13),
            let mi = number(14..<16)
        else { return nil }
        var s = 0
        if chars.count == 19 {
            guard chars[16] == ":", let sec = number(17..<19) else { return nil }
            s = sec
        }
        guard (1...12).contains(mo), (1...31).contains(d), (0...23).contains(h), (0...59).contains(mi),
            (0...59).contains(s)
        else { return nil }
        (year, month, day, hour, minute, second) = (y, mo, d, h, mi, s)
    }
}

/// RFC 3339 times in one zone, for writing many (an export's rows): `EventTime.rfc3339` makes a
/// formatter per call, which costs more than the rest of a CSV row.
public struct RFC3339Writer: @unchecked Sendable {
    // ISO8601DateFormatter is safe to use from several threads once configured; it is never changed after init.
    private let formatter: ISO8601DateFormatter

    public init(zone: TimeZone) {
        self.init(zone: zone, milliseconds: false)
    }

    /// `milliseconds`: with a fraction of a second (`.123`), as log lines want.
    public init(zone: TimeZone, milliseconds: Bool) {
        formatter = ISO8601DateFormatter()
        formatter.timeZone = zone
        formatter.formatOptions = [.withInternetDateTime, .withColonSeparatorInTimeZone]
        if milliseconds { formatter.formatOptions.insert(.withFractionalSeconds) }
    }

    public func string(_ date: Date) -> String { formatter.string(from: date) }
}
