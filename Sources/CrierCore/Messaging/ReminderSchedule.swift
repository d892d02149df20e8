import Foundation

/// When reminders go out (DESIGN.md section 5). Pure: the scheduler and the store call it.
public struct ReminderSchedule: Sendable {
    public let zone: TimeZone
    public let quietHours: QuietHours?

    public init(zone: TimeZone, quietHours: QuietHours?) {
        self.zone = zone
        self.quietHours = quietHours
    }

    /// Reminders never go out closer to the start than this when moved out of quiet hours.
    public static let quietHoursMargin: TimeInterval = 2 * 3600

    var calendar: Calendar {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = zone
        return c
    }

    /// The nominal moment: 7 calendar days before at the same local wall-clock time (so a 19:30
    /// quiz is reminded at 19:30 even across a clock change), or exactly 24 hours before.
    public func nominal(_ kind: MessageKind, start: Date) -> Date {
        switch kind {
        case .reminder7d:
            // Calendar arithmetic in the venue's zone keeps the wall-clock time across a clock change.
            return calendar.date(byAdding: .day, value: -7, to: start) ?? start.addingTimeInterval(-7 * 86_400)
        default:
            return start.addingTimeInterval(-86_400)
        }
    }

    /// When the reminder is due: the nominal moment moved out of quiet hours. Deferred to the end
    /// of quiet hours if that still leaves more than two hours before the start, else brought
    /// forward to the minute before quiet hours began.
    public func due(_ kind: MessageKind, start: Date) -> Date {
        adjustedForQuietHours(nominal(kind, start: start), start: start)
    }

    /// Moves `moment` out of quiet hours as `due` describes; unchanged when it is not inside them.
    public func adjustedForQuietHours(_ moment: Date, start: Date) -> Date {
        guard let quietHours, let window = quietWindow(containing: moment, quietHours) else { return moment }
        if window.end.addingTimeInterval(Self.quietHoursMargin) < start { return window.end }
        return window.start.addingTimeInterval(-60)
    }

    /// The latest moment a reminder may still go: 12 h after the 7-day one was due; for the
    /// 24-hour one, 2 h before the start. Later than that it is skipped, never sent.
    public func deadline(_ kind: MessageKind, due: Date, start: Date) -> Date {
        switch kind {
        case .reminder7d: return min(due.addingTimeInterval(12 * 3600), start)
        default: return start.addingTimeInterval(-2 * 3600)
        }
    }

    /// True when `moment` falls in the venue's quiet hours.
    public func isQuiet(_ moment: Date) -> Bool {
        guard let quietHours else { return false }
        return quietWindow(containing: moment, quietHours) != nil
    }

    /// The quiet-hours interval that contains `moment`, as instants.
    func quietWindow(containing moment: Date, _ q: QuietHours) -> (start: Date, end: Date)? {
        let c = calendar
        let t = c.dateComponents([.hour, .minute], from: moment)
        guard let time = LocalTime(hour: t.hour!, minute: t.minute!), q.contains(time) else { return nil }
        let today = c.startOfDay(for: moment)
        func at(_ lt: LocalTime, dayOffset: Int) -> Date {
            let day = c.date(byAdding: .day, value: dayOffset, to: today)!
            return c.date(bySettingHour: lt.minutes / 60, minute: lt.minutes % 60, second: 0, of: day) ?? day
        }
        if q.start < q.end { return (at(q.start, dayOffset: 0), at(q.end, dayOffset: 0)) }
        // Wraps past midnight: in the evening part, it ends tomorrow; in the morning part, it began yesterday.
        return time >= q.start ? (at(q.start, dayOffset: 0), at(q.end, dayOffset: 1)) : (at(q.start, dayOffset: -1), at(q.end, dayOffset: 0))
    }
}
