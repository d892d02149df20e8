import CrierCore
import Testing

struct TemplateRulesTests {
    @Test func findsVariablesAndWhichAreRequired() throws {
        let used = try #require(TemplateRules.variables(in: "Hi {{first_name}}{{#notes}} ({{notes}}){{/notes}} {{{event_name}}} {{! x }}"))
        #expect(used.all == ["first_name", "notes", "event_name"])
        #expect(used.required == ["first_name", "event_name"])
    }

    @Test func refusesUnknownFieldsAndBrokenTags() {
        #expect(TemplateRules.problems("Hi {{first_name}}", kind: .optOutAck).isEmpty)
        #expect(TemplateRules.problems("Hi {{firstname}}", kind: .confirmation) ==
                ["uses {{firstname}}, which confirmation messages don't provide"])
        #expect(TemplateRules.problems("See you at {{event_name}}", kind: .help).count == 1)
        #expect(TemplateRules.problems("{{#notes}} open", kind: .bookingChanged).count == 1)
        #expect(TemplateRules.problems("{{> partial}}", kind: .help).count == 1)
        #expect(TemplateRules.problems("  ", kind: .help) == ["is empty"])
    }

    @Test func namesAndKinds() {
        #expect(TemplateRules.names(for: .reminder24h) == ["reminder_24h", "reminder_24h_reminder_only"])
        #expect(TemplateRules.kind(ofTemplate: "confirmation_reminder_only") == .confirmation)
        #expect(TemplateRules.kind(ofTemplate: "nope") == nil)
    }
}
