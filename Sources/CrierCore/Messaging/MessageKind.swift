/// Why an SMS exists. Each kind has its own template and idempotency key.
public enum MessageKind: String, Sendable, Codable, CaseIterable {
    case confirmation
    case bookingChanged = "booking_changed"
    case bookingCancelled = "booking_cancelled"
    case reminder7d = "reminder_7d"
    case reminder24h = "reminder_24h"
    case reply
    case optOutAck = "opt_out_ack"
    case optInAck = "opt_in_ack"
    case help
    case manual

    /// The two reminders every active booking gets.
    public static let reminders: [MessageKind] = [.reminder7d, .reminder24h]

    public var isReminder: Bool { self == .reminder7d || self == .reminder24h }

    /// The answers to STOP, START and HELP: they go to someone who just withdrew consent (or is no
    /// customer at all), so they are the only texts sent without it.
    public static let keywordAnswers: [MessageKind] = [.optOutAck, .optInAck, .help]

    public var answersKeyword: Bool { Self.keywordAnswers.contains(self) }
}
