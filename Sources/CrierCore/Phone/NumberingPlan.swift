/// How one country writes its numbers: enough of the plan to turn what staff type into E.164
/// and to tell a mobile from a landline or a service number.
///
/// Crier checks numbers against *ranges* of the plan (the right length, a mobile prefix),
/// not against the list of blocks a regulator has handed out: that list changes monthly, and a
/// documentation range such as the UK's 07700 900xxx must be accepted for training and tests.
public struct NumberingPlan: Sendable {
    /// ISO 3166 regions that use this plan as their default (NANP: US and CA).
    public let regions: [String]
    /// Country calling code without the plus, e.g. "44".
    public let countryCode: String
    /// Trunk prefix dialled before national numbers ("0" in the UK, "1" in NANP), if any.
    public let trunkPrefix: String?
    /// Prefix dialled before a country code from inside this country ("00", "011", "0011").
    public let internationalPrefix: String
    /// National significant number lengths the plan uses for anything at all.
    public let lengths: ClosedRange<Int>
    /// Decides what a national significant number of the right shape is.
    let classify: @Sendable (_ nsn: String) -> NumberKind

    init(
        regions: [String], countryCode: String, trunkPrefix: String?, internationalPrefix: String = "00",
        lengths: ClosedRange<Int>, classify: @escaping @Sendable (String) -> NumberKind
    ) {
        self.regions = regions
        self.countryCode = countryCode
        self.trunkPrefix = trunkPrefix
        self.internationalPrefix = internationalPrefix
        self.lengths = lengths
        self.classify = classify
    }
}

/// What a number is, as far as sending it a text goes.
public enum NumberKind: Sendable, Equatable {
    /// Can receive SMS (in NANP this includes numbers that may be landlines: the plan can't tell).
    case mobile
    /// A real kind of number that is not a mobile: landline, freephone, premium rate, pager...
    case notMobile(String)
    /// No number of this shape exists in the plan.
    case invalid
}

extension String {
    /// True when the string starts with any of the given prefixes.
    func hasAnyPrefix(_ prefixes: [String]) -> Bool { prefixes.contains { hasPrefix($0) } }
}
