import Foundation

/// Instants as staff read them on a page, in the venue's zone: "Sat 5 Dec 2026, 19:30" by
/// default, or another `DateFormatter` pattern ("EEEE d MMMM yyyy" for a day heading).
public struct StaffTime: @unchecked Sendable {
    // A configured DateFormatter is safe to use from several threads; it is never changed after init.
    private let formatter: DateFormatter

    public init(zone: TimeZone, format: String = "EEE d MMM yyyy, HH:mm") {
        formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_GB")
        formatter.timeZone = zone
        formatter.dateFormat = format
    }

    public func text(_ date: Date) -> String { formatter.string(from: date) }

    /// Milliseconds since 1970, as plugins' tables keep instants.
    public func text(millis: Int64) -> String { text(Date(timeIntervalSince1970: Double(millis) / 1000)) }
}
