/// Why a text is not a mobile number Crier can text. `message` completes "Mobile ...".
public enum PhoneNumberError: Error, Sendable, Equatable {
    case empty
    case notANumber
    case tooShort
    case tooLong
    case invalid(country: String)
    case notMobile(String)
    case unsupportedCountry(String)
    case unsupportedRegion(String)

    /// A sentence fragment for a form or an API field error.
    public var message: String {
        switch self {
        case .empty: return "is required"
        case .notANumber: return "must be a phone number: digits, spaces and + ( ) - . only"
        case .tooShort: return "is too short to be a mobile number"
        case .tooLong: return "is too long to be a mobile number"
        case .invalid(let country): return "is not a valid \(country) mobile number"
        case .notMobile(let what): return "is \(what), not a mobile: it can't receive texts"
        case .unsupportedCountry(let digits):
            return "starts with a country code Crier doesn't support (+\(digits)...); supported: "
                + NumberingPlans.all.map { "+" + $0.countryCode }.joined(separator: ", ")
        case .unsupportedRegion(let region):
            return "can't be read: the venue's default region \(region) is not supported"
        }
    }

    /// Used to pick the most helpful error when a text can be read more than one way.
    var rank: Int {
        switch self {
        case .empty, .notANumber, .unsupportedRegion: return 0
        case .tooShort, .tooLong: return 1
        case .unsupportedCountry, .invalid: return 2
        case .notMobile: return 3
        }
    }
}
