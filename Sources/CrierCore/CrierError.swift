/// A refusal the user can act on. The API turns each case into one HTTP status and the JSON error
/// shape; the CLI into a message and a non-zero exit.
public enum CrierError: Error, Sendable, Equatable {
    /// Bad input: one message per field (HTTP 422).
    case invalid(FieldErrors)
    /// No such thing in this venue (HTTP 404). `what` is "customer", "event"...
    case notFound(String)
    /// The request clashes with current state: a duplicate, a full event (HTTP 409).
    case conflict(code: String, message: String, fields: [String: String] = [:], details: JSONValue? = nil)
    /// Known caller, not allowed to do this (HTTP 403).
    case forbidden(String)

    /// One sentence for logs and the CLI.
    public var message: String {
        switch self {
        case .invalid(let errors):
            return errors.fields.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: "; ")
        case .notFound(let what): return "\(what) not found"
        case .conflict(_, let message, _, _): return message
        case .forbidden(let message): return message
        }
    }
}
