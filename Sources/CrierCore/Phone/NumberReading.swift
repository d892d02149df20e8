/// A phone number as libphonenumber reads it: which country code, which national significant
/// number, which region's plan and what kind of number, whether or not it can take a text.
///
/// Follows `phonenumbers.parse` and `number_type` step by step (their names in comments), so
/// that Crier and libphonenumber agree on every input; `PhoneNumberAgreementTests` and
/// `Tests/e2e/test_phone_numbers.py` hold the two side by side.
public struct NumberReading: Sendable {
    /// The plan of the number's country code (its main region's, for a shared code).
    let plan: NumberingPlan
    /// National significant number, ASCII digits.
    let nsn: [UInt8]
    /// The region whose ranges the number is in, if any ("JE" for +44 7797 ...).
    public let region: String?
    /// Its kind; nil when it is in no range of any plan: not a valid number.
    public let kind: NumberKind?
    /// True when an extension followed the number.
    public let hasExtension: Bool
    /// True when it was written with a country code (a plus or an international prefix).
    let international: Bool

    public var countryCode: String { plan.countryCode }
    public var nationalNumber: String { String(decoding: nsn, as: UTF8.self) }
    public var e164: String { "+" + plan.countryCode + nationalNumber }

    public init(_ text: String, defaultRegion: String) throws(PhoneNumberError) {
        // Providers send E.164; skip the reading of punctuation and scripts for it.
        let bytes = text.utf8
        let dialled: DialledText
        if bytes.count > 3, bytes.count <= 18, bytes.first == UInt8(ascii: "+"),
           bytes.dropFirst().allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        {
            dialled = DialledText(digits: Array(bytes.dropFirst()), plus: true, hasExtension: false)
        } else {
            dialled = try DialledText.read(text)
        }
        let home = NumberingPlans.plan(region: defaultRegion)
        if home == nil, !dialled.plus { throw .unsupportedRegion(defaultRegion) }
        var (plan, nsn, international) = try Self.countryCode(of: dialled, home: home)
        if nsn.count < 2 { throw .tooShort }
        // parse(): strip a trunk prefix unless what is left has an impossible length.
        let stripped = plan.strippingNationalPrefix(nsn)
        switch plan.lengthVerdict(stripped) {
        case .tooShort, .localOnly, .invalidLength: break
        case .possible, .tooLong: nsn = stripped
        }
        if nsn.count < 2 { throw .tooShort }
        if nsn.count > 17 { throw .tooLong }
        self.plan = plan
        self.nsn = nsn
        self.hasExtension = dialled.hasExtension
        self.international = international
        // region_code_for_number(), then number_type() in that region's plan.
        let candidates = NumberingPlans.plans(countryCode: plan.countryCode)
        var owner: (region: String, kind: NumberKind?)? = nil
        for candidate in candidates {
            if candidates.count == 1 || candidate.leadingDigits?.matchPrefix(nsn) != nil {
                owner = (candidate.region, candidate.kind(of: nsn))
                break
            }
            if candidate.leadingDigits == nil, let kind = candidate.kind(of: nsn) {
                owner = (candidate.region, kind)
                break
            }
        }
        region = owner?.region
        kind = owner?.kind ?? Self.fiction(plan, nsn)
    }

    /// _maybe_extract_country_code(): the plan the digits belong to and the number after its code.
    private static func countryCode(
        of dialled: DialledText, home: NumberingPlan?
    ) throws(PhoneNumberError) -> (NumberingPlan, [UInt8], international: Bool) {
        var digits = dialled.digits
        var international = dialled.plus
        // _parse_prefix_as_idd(): "00 44 ..." or "011 44 ..." (no country code starts with 0).
        if !international, let idd = home?.internationalPrefix, let found = idd.matchPrefix(digits),
           found.end == digits.count || digits[found.end] != UInt8(ascii: "0")
        {
            digits.removeFirst(found.end)
            international = true
        }
        if international {
            if digits.count <= 2 { throw .tooShort }
            guard let code = NumberingPlans.countryCode(startingWith: digits),
                  let plan = NumberingPlans.plans(countryCode: code).first
            else { throw .unknownCountryCode(String(decoding: digits.prefix(3), as: UTF8.self)) }
            return (plan, Array(digits.dropFirst(code.count)), true)
        }
        guard let home else { throw .notANumber }
        // "447700900123" without its plus: the code is read off when that makes a number of the
        // plan out of one that was not, or the whole was too long.
        let code = Array(home.countryCode.utf8)
        if digits.starts(with: code), let general = home.general {
            let rest = home.strippingNationalPrefix(Array(digits.dropFirst(code.count)))
            if (!general.pattern.matchesWhole(digits) && general.pattern.matchesWhole(rest))
                || home.lengthVerdict(digits) == .tooLong
            {
                return (home, rest, true)
            }
        }
        return (home, digits, false)
    }

    /// Ofcom's drama range, 07700 900000 to 900999: reserved for fiction, so that staff can
    /// train and test with numbers that reach nobody. libphonenumber calls them invalid.
    private static func fiction(_ plan: NumberingPlan, _ nsn: [UInt8]) -> NumberKind? {
        plan.countryCode == "44" && nsn.count == 10 && nsn.starts(with: Array("7700900".utf8)) ? .mobile : nil
    }
}
