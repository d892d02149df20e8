import CrierCore
import Foundation
import Testing

struct ReminderScheduleTests {
    let london = ReminderSchedule(zone: TimeZone(identifier: "Europe/London")!, quietHours: nil)
    let newYork = ReminderSchedule(zone: TimeZone(identifier: "America/New_York")!, quietHours: nil)
    func t(_ s: String) -> Date { EventTime.rfc3339(s)! }

    @Test func sevenDayKeepsTheWallClockAcrossTheUKSpringChange() {
        // Sat 4 Apr 2026 19:30 BST; a week earlier is Sat 28 Mar 19:30 GMT (clocks change on the 29th).
        #expect(london.nominal(.reminder7d, start: t("2026-04-04T18:30:00Z")) == t("2026-03-28T19:30:00Z"))
    }

    @Test func sevenDayKeepsTheWallClockAcrossTheUKAutumnChange() {
        // Fri 30 Oct 2026 19:30 GMT; a week earlier is Fri 23 Oct 19:30 BST.
        #expect(london.nominal(.reminder7d, start: t("2026-10-30T19:30:00Z")) == t("2026-10-23T18:30:00Z"))
    }

    @Test func sevenDayKeepsTheWallClockAcrossTheUSChanges() {
        // Sat 14 Mar 2026 19:00 EDT; a week earlier is Sat 7 Mar 19:00 EST (US clocks change on the 8th).
        #expect(newYork.nominal(.reminder7d, start: t("2026-03-14T23:00:00Z")) == t("2026-03-08T00:00:00Z"))
        // Sat 7 Nov 2026 19:00 EST; a week earlier is Sat 31 Oct 19:00 EDT (US clocks change on 1 Nov).
        #expect(newYork.nominal(.reminder7d, start: t("2026-11-08T00:00:00Z")) == t("2026-10-31T23:00:00Z"))
    }

    @Test func twentyFourHourIsAbsolute() {
        // Sun 29 Mar 2026 19:30 BST: 24 hours earlier is 18:30 GMT on the Saturday, not 19:30.
        #expect(london.nominal(.reminder24h, start: t("2026-03-29T18:30:00Z")) == t("2026-03-28T18:30:00Z"))
    }

    @Test func quietHoursDeferToTheirEnd() {
        let quiet = ReminderSchedule(zone: TimeZone(identifier: "Europe/London")!, quietHours: .default)
        // A Saturday 08:00 breakfast: due Friday 08:00, inside 21:00-09:00, so it waits until 09:00.
        #expect(quiet.due(.reminder24h, start: t("2026-12-12T08:00:00Z")) == t("2026-12-11T09:00:00Z"))
        // A Saturday 23:00 gig: due Friday 23:00, deferred to Saturday 09:00 (still 14 h before).
        #expect(quiet.due(.reminder24h, start: t("2026-12-12T23:00:00Z")) == t("2026-12-12T09:00:00Z"))
        // A Saturday 19:30 quiz: due Friday 19:30, not quiet.
        #expect(quiet.due(.reminder24h, start: t("2026-12-12T19:30:00Z")) == t("2026-12-11T19:30:00Z"))
        // Summer time: quiet hours are local, 21:00 BST = 20:00Z.
        #expect(quiet.isQuiet(t("2026-07-01T20:30:00Z")))
        #expect(!quiet.isQuiet(t("2026-07-01T19:30:00Z")))
    }

    @Test func quietHoursBringForwardWhenTheirEndIsTooCloseToTheStart() {
        let quiet = ReminderSchedule(zone: TimeZone(identifier: "Europe/London")!, quietHours: .default)
        // Due at 07:00 for a 10:00 start: 09:00 would leave only 1 h, so it goes at 20:59 the evening before.
        #expect(quiet.adjustedForQuietHours(t("2026-12-11T07:00:00Z"), start: t("2026-12-11T10:00:00Z")) == t("2026-12-10T20:59:00Z"))
        // Outside quiet hours nothing moves.
        #expect(quiet.adjustedForQuietHours(t("2026-12-11T12:00:00Z"), start: t("2026-12-11T13:00:00Z")) == t("2026-12-11T12:00:00Z"))
    }

    @Test func deadlines() {
        let start = t("2026-12-12T19:30:00Z")
        let due7 = london.due(.reminder7d, start: start)
        #expect(london.deadline(.reminder7d, due: due7, start: start) == due7.addingTimeInterval(12 * 3600))
        #expect(london.deadline(.reminder24h, due: start.addingTimeInterval(-86_400), start: start) == t("2026-12-12T17:30:00Z"))
    }
}
