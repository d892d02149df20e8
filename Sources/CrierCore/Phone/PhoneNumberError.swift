/// Why a text is not a mobile number Crier can text. `message` completes "Mobile ...".
public enum PhoneNumberError: Error, Sendable, Equatable {
    case empty
    case notANumber
    case tooShort
    case tooLong
    /// Right length, but in none of the region's ranges ("GB", or "+882" for a global code).
    case invalid(country: String)
    /// A real number of a kind that takes no texts: "a landline", "a freephone number".
    case notMobile(String)
    /// No country has this calling code (the first digits after the plus).
    case unknownCountryCode(String)
    case unsupportedRegion(String)

    /// A sentence fragment for a form or an API field error.
    public var message: String {
        switch self {
        case .empty: return "is required"
        case .notANumber: return "must be a phone number: digits, spaces and + ( ) - . only"
        case .tooShort: return "is too short to be a phone number"
        case .tooLong: return "is too long to be a phone number"
        case .invalid(let country): return "is not a valid number for \(country)"
        case .notMobile(let what): return "is \(what): it cannot receive texts"
        case .unknownCountryCode(let digits):
            return "starts with +\(digits), which is no country's calling code"
        case .unsupportedRegion(let region):
            return "can't be read: the venue's default region \(region) has no numbering plan"
        }
    }
}
