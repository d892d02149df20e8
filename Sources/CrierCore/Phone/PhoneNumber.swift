/// A mobile number in E.164 form (`+447700900123`): the only form Crier stores or sends to.
public struct PhoneNumber: Sendable, Hashable, Codable, CustomStringConvertible {
    /// `+` then country code then national significant number.
    public let e164: String

    public var description: String { e164 }

    /// Reads what staff or a customer typed, in the venue's default region, as libphonenumber
    /// reads it (`NumberReading`), and keeps it only if it is a number that can receive texts.
    ///
    /// Accepts national (`07700 900123`), international (`+44 7700 900123`, `0044 ...`,
    /// `011 44 ...` from North America) and punctuated forms (`(415) 555-2671`), full-width
    /// digits and `tel:` URIs; a stray trunk prefix (`+44 (0)7700 ...`) is forgiven.
    public static func parse(_ text: String, defaultRegion: String) throws(PhoneNumberError) -> PhoneNumber {
        try NumberReading(text, defaultRegion: defaultRegion).mobile()
    }

    /// Wraps an E.164 string read back from storage (already validated when written).
    public init(trusted e164: String) { self.e164 = e164 }

    fileprivate init(e164: String) { self.e164 = e164 }

    public init(from decoder: any Decoder) throws {
        e164 = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(e164)
    }
}

extension NumberReading {
    /// The number as a mobile Crier can text, or why it is not one.
    public func mobile() throws(PhoneNumberError) -> PhoneNumber {
        guard let kind else {
            // A national number is judged without the trunk prefix the reading kept ("0770012"
            // is a short 770012); after a country code there is no trunk prefix to discount.
            let judged = international ? nsn : plan.strippingNationalPrefix(nsn)
            switch plan.lengthVerdict(judged) {
            case .tooShort, .localOnly: throw .tooShort  // local-only: an area code is missing
            case .tooLong: throw .tooLong
            default: throw .invalid(country: plan.regionName)
            }
        }
        guard kind.receivesTexts else { throw .notMobile(kind.phrase) }
        if hasExtension { throw .notMobile("a number with an extension") }
        return PhoneNumber(e164: e164)
    }
}

extension NumberingPlan {
    /// How a reason names the plan: "GB", or "+882" for a code that belongs to no region.
    var regionName: String { region == "001" ? "+" + countryCode : region }
}
