import CrierCore
import CrierTemplates
import Foundation
import Testing

@testable import CrierServer

struct RendererTests {
    let renderer = SMSRenderer(defaults: try! DefaultTemplates.sms())

    @Test func everyBundledTemplateIsValidForItsKind() throws {
        let defaults = try DefaultTemplates.sms()
        for kind in MessageKind.allCases {
            for name in TemplateRules.names(for: kind) {
                let body = try #require(defaults[name], "missing default template \(name)")
                #expect(TemplateRules.problems(body, kind: kind).isEmpty, "\(name)")
            }
        }
        #expect(Set(defaults.keys) == Set(MessageKind.allCases.flatMap(TemplateRules.names)))
    }

    let fields = ["first_name": "Ann", "last_name": "Lee", "venue_name": "The Crown", "event_name": "Fish & Chips <Friday>",
                  "event_when": "Fri 5 Dec, 7:30pm", "event_date": "Fri 5 Dec", "event_time": "7:30pm", "seats": "2",
                  "seats_text": "2 seats", "notes": ""]

    @Test func rendersPlainTextNotHTML() throws {
        let text = try renderer.render("{{event_name}} for {{first_name}}", name: "t", kind: .confirmation, fields: fields).get()
        #expect(text == "Fish & Chips <Friday> for Ann")
    }

    @Test func anEmptyRequiredFieldIsATemplateError() throws {
        var missing = fields
        missing["first_name"] = " "
        #expect(renderer.render("Hi {{first_name}}", name: "t", kind: .confirmation, fields: missing) == .failure(.missingValue("first_name")))
        // Inside its own section an empty field is fine: the section disappears.
        #expect(try renderer.render("Hi {{first_name}}.{{#notes}} Notes: {{notes}}{{/notes}}", name: "t", kind: .bookingChanged,
                                    fields: fields).get() == "Hi Ann.")
        #expect(renderer.render("Hi {{nickname}}", name: "t", kind: .confirmation, fields: fields)
                == .failure(.invalidTemplate("t", ["uses {{nickname}}, which confirmation messages don't provide"])))
    }

    @Test func humanTimes() {
        let london = HumanTime(zone: TimeZone(identifier: "Europe/London")!)
        let date = EventTime.rfc3339("2026-12-05T19:30:00Z")!
        #expect(london.dateAndTime(date) == "Sat 5 Dec, 7:30pm")
        #expect(london.time(EventTime.rfc3339("2026-07-05T18:00:00Z")!) == "7pm")
        #expect(london.time(EventTime.rfc3339("2026-12-05T12:00:00Z")!) == "noon")
        #expect(london.time(EventTime.rfc3339("2026-12-05T00:15:00Z")!) == "12:15am")
        // Summer time, a single-digit minute, and the same names whatever ICU the machine has.
        #expect(london.dateAndTime(EventTime.rfc3339("2026-09-04T18:05:00Z")!) == "Fri 4 Sep, 7:05pm")
        let newYork = HumanTime(zone: TimeZone(identifier: "America/New_York")!)
        #expect(newYork.dateAndTime(EventTime.rfc3339("2026-03-01T04:00:00Z")!) == "Sat 28 Feb, 11pm")
    }
}
