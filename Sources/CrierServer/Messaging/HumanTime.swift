import Foundation

/// Dates and times as a person reads them in a text: "Fri 5 Dec, 7:30pm", "7pm", "noon". English
/// names written out here rather than through a DateFormatter: the wording stays the same whatever
/// ICU the machine has, and a formatter per message dominated the cost of sending.
struct HumanTime {
    let zone: TimeZone

    static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// The day ("Fri 5 Dec") and the time ("7:30pm") of `d` in the zone, from one calendar lookup.
    func parts(_ d: Date) -> (date: String, time: String) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.weekday, .day, .month, .hour, .minute], from: d)
        let date = "\(Self.weekdays[c.weekday! - 1]) \(c.day!) \(Self.months[c.month! - 1])"
        let hour = c.hour!, minute = c.minute!
        if hour == 12 && minute == 0 { return (date, "noon") }
        let twelve = hour % 12 == 0 ? 12 : hour % 12
        let suffix = hour < 12 ? "am" : "pm"
        let time = minute == 0 ? "\(twelve)\(suffix)" : "\(twelve):\(minute < 10 ? "0" : "")\(minute)\(suffix)"
        return (date, time)
    }

    func date(_ d: Date) -> String { parts(d).date }
    func time(_ d: Date) -> String { parts(d).time }
    func dateAndTime(_ d: Date) -> String {
        let p = parts(d)
        return "\(p.date), \(p.time)"
    }
}
