/// The words a customer texts to opt out, back in, or ask for help (DESIGN.md section 6). Only a
/// whole message counts: "STOP", " stop. ", "Stop All!" are opt-outs; "Cancel my table" is a reply.
public enum Keyword: String, Sendable, Equatable, CaseIterable {
    case optOut = "opt_out"
    case optIn = "opt_in"
    case help

    /// Words compared with spaces removed, so "STOP ALL" and "STOPALL", "OPT OUT" and "OPTOUT" match alike.
    static let words: [String: Keyword] = [
        "STOP": .optOut, "STOPALL": .optOut, "UNSUBSCRIBE": .optOut, "CANCEL": .optOut, "END": .optOut, "QUIT": .optOut,
        "REVOKE": .optOut, "OPTOUT": .optOut,
        "START": .optIn, "YES": .optIn, "UNSTOP": .optIn,
        "HELP": .help, "INFO": .help,
    ]

    /// The keyword a whole message is, if any: case and spaces ignored, and punctuation at the end.
    public static func of(_ body: String) -> Keyword? {
        var text = Substring(body)
        while let last = text.last, last.isWhitespace || (last.isPunctuation && last != "'") { text.removeLast() }
        // A long message can't be a keyword; don't fold a whole essay to find out.
        guard text.dropFirst(24).isEmpty else { return nil }
        let folded = String(text.filter { !$0.isWhitespace }).uppercased()
        return words[folded]
    }
}

/// What Crier does about one inbound text, decided from its keyword and the sender's consent.
public struct InboundDecision: Sendable, Equatable {
    /// Revoke (false) or restore (true) all SMS consent; nil leaves it.
    public var consent: Bool?
    /// Withdraw the customer's pending texts (an opt-out).
    public var withdrawPending: Bool
    /// The acknowledgement to send back, if any.
    public var reply: MessageKind?

    public init(consent: Bool? = nil, withdrawPending: Bool = false, reply: MessageKind? = nil) {
        self.consent = consent
        self.withdrawPending = withdrawPending
        self.reply = reply
    }

    /// - Parameters:
    ///   - optedOut: the sender has no SMS consent now (a known customer who said STOP before);
    ///     nil for a sender who is not a customer.
    ///   - providerAnswered: the provider already replied to the keyword itself (Twilio's
    ///     OptOutType): record the change, don't answer again.
    public static func decide(_ keyword: Keyword?, optedOut: Bool?, providerAnswered: Bool) -> InboundDecision {
        switch keyword {
        case nil:
            return InboundDecision()
        case .optOut:
            // Acknowledged once: a second STOP from someone already out gets no text.
            let reply: MessageKind? = providerAnswered || optedOut == true ? nil : .optOutAck
            return InboundDecision(consent: optedOut == nil ? nil : false, withdrawPending: optedOut != nil, reply: reply)
        case .optIn:
            // "Yes" to a confirmation from someone who never left is an ordinary reply.
            guard optedOut == true else { return InboundDecision() }
            return InboundDecision(consent: true, reply: providerAnswered ? nil : .optInAck)
        case .help:
            return InboundDecision(reply: providerAnswered ? nil : .help)
        }
    }
}
