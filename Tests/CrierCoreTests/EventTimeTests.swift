import CrierCore
import Foundation
import Testing

struct EventTimeTests {
    let london = TimeZone(identifier: "Europe/London")!
    let newYork = TimeZone(identifier: "America/New_York")!

    func utc(_ text: String) -> Date { EventTime.rfc3339(text)! }

    @Test func localTimeIsReadInTheVenueZone() {
        #expect(EventTime.parse("2026-12-05T19:30", in: london).ok == utc("2026-12-05T19:30:00Z"))
        #expect(EventTime.parse("2026-07-05T19:30", in: london).ok == utc("2026-07-05T18:30:00Z"))
        #expect(EventTime.parse("2026-07-05 19:30:15", in: newYork).ok == utc("2026-07-05T23:30:15Z"))
    }

    @Test func rfc3339KeepsItsOffset() {
        #expect(EventTime.parse("2026-12-05T19:30:00+01:00", in: london).ok == utc("2026-12-05T18:30:00Z"))
        #expect(EventTime.parse("2026-12-05T19:30:00.250Z", in: london).ok == utc("2026-12-05T19:30:00.250Z"))
    }

    @Test func aTimeTheClocksSkipIsRefused() {
        #expect(EventTime.parse("2027-03-28T01:30", in: london).err == .skippedByClockChange("Europe/London"))
        #expect(EventTime.parse("2027-03-14T02:30", in: newYork).err == .skippedByClockChange("America/New_York"))
    }

    @Test func aTimeThatHappensTwiceMeansTheFirst() {
        // 01:30 on 25 Oct 2026 happens at 00:30Z (BST) and again at 01:30Z (GMT).
        #expect(EventTime.parse("2026-10-25T01:30", in: london).ok == utc("2026-10-25T00:30:00Z"))
    }

    @Test(arguments: ["", "tomorrow", "2026-02-30T19:00", "2026-13-01T10:00", "2026-12-05T24:00", "2026-12-05", "2026-12-05T19:30:00"])
    func malformedTextIsRefused(text: String) {
        // A local time with seconds but no offset is fine; the last case checks that.
        if text == "2026-12-05T19:30:00" {
            #expect(EventTime.parse(text, in: london).ok != nil)
        } else {
            #expect(EventTime.parse(text, in: london).err == .malformed)
        }
    }

    @Test func localRoundTrips() {
        let date = utc("2026-07-05T18:30:00Z")
        #expect(EventTime.local(date, in: london) == "2026-07-05T19:30")
        #expect(EventTime.rfc3339(date, in: london) == "2026-07-05T19:30:00+01:00")
    }
}

extension Result {
    var ok: Success? { if case .success(let v) = self { v } else { nil } }
    var err: Failure? { if case .failure(let e) = self { e } else { nil } }
}
