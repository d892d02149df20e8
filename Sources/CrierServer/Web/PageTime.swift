import Foundation

/// Instants as staff pages show them: always in the venue's zone, with the year whenever it is
/// not this year ("Wed 20 Jan 2027, 7pm"), and, where a page asks for it, the day said the way
/// people say it ("today", "tomorrow", "Friday" for the coming week).
struct PageTime: Sendable {
    let zone: TimeZone
    /// What "now" is (the store's clock), for this year, today and tomorrow.
    let now: Date

    private var calendar: Calendar { .gregorian(in: zone) }

    /// "Fri 5 Dec, 7:30pm"; "Wed 20 Jan 2027, 7pm" in another year.
    func dateAndTime(_ d: Date) -> String { "\(date(d)), \(time(d))" }

    /// "Fri 5 Dec", with the year when it is not the current one.
    func date(_ d: Date) -> String {
        let calendar = calendar
        let c = calendar.dateComponents([.year, .weekday, .day, .month], from: d)
        let day = "\(HumanTime.weekdays[c.weekday! - 1]) \(c.day!) \(HumanTime.months[c.month! - 1])"
        return c.year == calendar.component(.year, from: now) ? day : "\(day) \(c.year!)"
    }

    /// "7:30pm", "noon".
    func time(_ d: Date) -> String { HumanTime(zone: zone).time(d) }

    /// "today, 7pm", "tomorrow, 9am", "Friday, 7:30pm" within the coming week; otherwise as ``dateAndTime(_:)``.
    func relative(_ d: Date) -> String {
        let calendar = calendar
        let days = calendar.dateComponents([.day], from: calendar.startOfDay(for: now), to: calendar.startOfDay(for: d)).day ?? 99
        let word: String? = switch days {
        case 0: "today"
        case 1: "tomorrow"
        case -1: "yesterday"
        case 2..<7: Self.weekdayNames[calendar.component(.weekday, from: d) - 1]
        default: nil
        }
        return word.map { "\($0), \(time(d))" } ?? dateAndTime(d)
    }

    /// The zone as staff read it, for pages where they may be elsewhere: "Europe/London (GMT)".
    var zoneName: String {
        let abbreviation = zone.abbreviation(for: now) ?? ""
        return abbreviation.isEmpty || abbreviation == zone.identifier ? zone.identifier : "\(zone.identifier) (\(abbreviation))"
    }

    static let weekdayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
}
