import CrierCore
import Foundation
import Testing

struct ValidationTests {
    @Test func customerNeedsBothNamesAndAMobile() {
        #expect(throws: FieldErrors.self) { try CustomerInput(firstName: " ", lastName: nil, mobile: "").validated(region: "GB") }
        do {
            _ = try CustomerInput(firstName: " ", lastName: nil, mobile: "0207 946 0018", email: "nope").validated(region: "GB")
        } catch {
            #expect(error.fields["first_name"] == "is required")
            #expect(error.fields["last_name"] == "is required")
            #expect(error.fields["mobile"]?.contains("landline") == true)
            #expect(error.fields["email"] == "is not an email address")
        }
    }

    @Test func customerFieldsAreTrimmedAndFolded() throws {
        let f = try CustomerInput(firstName: "  Siobhán ", lastName: "Ó Súilleabháin", mobile: "07700900001", email: "A@B.ie ")
            .validated(region: "GB")
        #expect(f.firstName == "Siobhán")
        #expect(f.email == "a@b.ie")
        #expect(f.sortKey.last == "o suilleabhain")
    }

    @Test func namesMustBeOneLineAndBounded() {
        do {
            _ = try CustomerInput(firstName: "A\u{0}B", lastName: String(repeating: "x", count: 101), mobile: "07700900001")
                .validated(region: "GB")
            Issue.record("should have failed")
        } catch {
            #expect(error.fields["first_name"] == "must be a single line")
            #expect(error.fields["last_name"] == "must be at most 100 characters")
        }
    }

    @Test func seatsAreZeroOrMore() throws {
        #expect(throws: FieldErrors("seats", "must be 0 or more (0 = reminder only)")) { try BookingRules.validate(seats: -1, notes: nil) }
        #expect(throws: FieldErrors("seats", "is required (0 = reminder only)")) { try BookingRules.validate(seats: nil, notes: nil) }
        #expect(try BookingRules.validate(seats: 0, notes: " ").seats == 0)
    }

    @Test func capacityShortfall() {
        #expect(BookingRules.shortfall(capacity: nil, booked: 100, current: 0, requested: 5) == nil)
        #expect(BookingRules.shortfall(capacity: 10, booked: 8, current: 0, requested: 2) == nil)
        #expect(BookingRules.shortfall(capacity: 10, booked: 8, current: 0, requested: 3) == 2)
        #expect(BookingRules.shortfall(capacity: 10, booked: 10, current: 4, requested: 4) == nil)
        #expect(BookingRules.shortfall(capacity: 10, booked: 10, current: 4, requested: 5) == 4)
        #expect(BookingRules.shortfall(capacity: 10, booked: 10, current: 0, requested: 0) == nil)  // reminder-only always fits
    }

    @Test func venueSettings() {
        do {
            _ = try VenueSettings.validate(slug: "The Crown!", name: "", timezone: "Mars/Olympus", defaultRegion: "XX")
            Issue.record("should have failed")
        } catch {
            #expect(Set(error.fields.keys) == ["slug", "name", "timezone", "default_region"])
        }
        #expect((try? VenueSettings.validate(slug: "crown", name: "The Crown", timezone: "America/New_York", defaultRegion: "us"))?
            .defaultRegion == "US")
    }

    @Test func eventInputRules() {
        let zone = TimeZone(identifier: "Europe/London")!
        let now = EventTime.rfc3339("2026-11-21T12:00:00Z")!
        do {
            _ = try EventInput(name: "Gig", startsAt: "2026-11-20T19:00", endsAt: "2026-11-20T18:00", capacity: -1)
                .validated(zone: zone, now: now)
            Issue.record("should have failed")
        } catch {
            #expect(error.fields["starts_at"] == "must be in the future")
            #expect(error.fields["capacity"] != nil)
        }
        #expect(throws: FieldErrors("ends_at", "must be after starts_at")) {
            try EventInput(name: "Gig", startsAt: "2026-12-20T19:00", endsAt: "2026-12-20T18:00").validated(zone: zone, now: now)
        }
    }

    @Test func quietHoursWrapPastMidnight() {
        let q = QuietHours.default
        #expect(q.contains(LocalTime("21:00")!))
        #expect(q.contains(LocalTime("03:00")!))
        #expect(!q.contains(LocalTime("09:00")!))
        #expect(!q.contains(LocalTime("12:00")!))
        #expect(LocalTime("24:00") == nil && LocalTime("9:00") == nil)
    }

    @Test func manualClockNeverRunsBackwards() {
        let clock = ManualClock(Date(timeIntervalSince1970: 1000))
        #expect(!clock.advance(to: Date(timeIntervalSince1970: 999)))
        #expect(clock.now() == Date(timeIntervalSince1970: 1000))
        #expect(clock.advance(to: Date(timeIntervalSince1970: 2000)))
        clock.advance(by: 60)
        #expect(clock.now() == Date(timeIntervalSince1970: 2060))
    }
}
