import CrierCore
import Testing

/// DESIGN.md section 6: whole message, case and space insensitive, trailing punctuation ignored.
struct KeywordTests {
    @Test(arguments: [
        "STOP", "stop", " Stop ", "STOP.", "stop!", "Stop!!", "STOPALL", "stop all", "Stop All!", "UNSUBSCRIBE", "unsubscribe.",
        "CANCEL", "cancel", "END", "end", "QUIT", "quit", "REVOKE", "OPTOUT", "opt out", "Opt Out",
        "OPT OUT?", "\tstop\n", "S T O P", "STOP" + String(repeating: "!", count: 40), "stop " + String(repeating: " ", count: 30),
    ])
    func optOuts(body: String) { #expect(Keyword.of(body) == .optOut, "\(body)") }

    @Test(arguments: ["START", "start", "Yes", "yes!", "UNSTOP", "un stop", " START. "])
    func optIns(body: String) { #expect(Keyword.of(body) == .optIn, "\(body)") }

    @Test(arguments: ["HELP", "help?", "Info", "INFO."])
    func help(body: String) { #expect(Keyword.of(body) == .help, "\(body)") }

    @Test(arguments: [
        "Cancel my table", "please stop", "STOP texting me", "stopped", "yes please", "Yes, 4 of us", "help me", "", "   ", "?",
        "STOP STOP", "can't come", "ST0P", "stop-all", "Yes we'll be there", "END OF MESSAGE",
        String(repeating: "stop ", count: 20), "STOP" + String(repeating: "x", count: 30),
    ])
    func ordinaryReplies(body: String) { #expect(Keyword.of(body) == nil, "\(body)") }

    @Test func decisions() {
        typealias D = InboundDecision
        // A customer who is in: STOP revokes, withdraws pending texts and is acknowledged once.
        #expect(D.decide(.optOut, optedOut: false, providerAnswered: false) == D(consent: false, withdrawPending: true, reply: .optOutAck))
        #expect(D.decide(.optOut, optedOut: true, providerAnswered: false) == D(consent: false, withdrawPending: true, reply: nil))
        // Twilio already answered: record, don't reply.
        #expect(D.decide(.optOut, optedOut: false, providerAnswered: true) == D(consent: false, withdrawPending: true, reply: nil))
        // Not a customer: nothing to revoke, but still acknowledged.
        #expect(D.decide(.optOut, optedOut: nil, providerAnswered: false) == D(consent: nil, withdrawPending: false, reply: .optOutAck))
        // START restores only someone who is out; "Yes" from someone in is an ordinary reply.
        #expect(D.decide(.optIn, optedOut: true, providerAnswered: false) == D(consent: true, reply: .optInAck))
        #expect(D.decide(.optIn, optedOut: false, providerAnswered: false) == D())
        #expect(D.decide(.optIn, optedOut: nil, providerAnswered: false) == D())
        #expect(D.decide(.optIn, optedOut: true, providerAnswered: true) == D(consent: true))
        #expect(D.decide(.help, optedOut: false, providerAnswered: false) == D(reply: .help))
        #expect(D.decide(.help, optedOut: nil, providerAnswered: true) == D())
        #expect(D.decide(nil, optedOut: false, providerAnswered: false) == D())
    }
}

