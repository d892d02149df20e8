/// How one region numbers its phones, as libphonenumber's metadata describes it: enough to
/// turn what staff type into E.164, to tell a mobile from a landline or a service number, and
/// to write a number the way the region does. Generated data; see `NumberingPlanData.swift`.
public struct NumberingPlan: Sendable {
    /// ISO 3166 region ("GB"), or "001" for a country code that belongs to no region (+800).
    public let region: String
    /// Country calling code without the plus, e.g. "44".
    public let countryCode: String
    /// The trunk prefix dialled before national numbers ("0" in the UK), if the region has one.
    public let trunkPrefix: String?
    /// Prefixes dialled before a country code from inside the region ("00", "011").
    let internationalPrefix: DigitPattern?
    /// What to strip from the start of a national number before reading it (a trunk prefix, a
    /// carrier code), and what to put back in its place (`transform`, with `\1`-style groups).
    let nationalPrefixForParsing: DigitPattern?
    let nationalPrefixTransform: String?
    /// For a country code shared by several regions: the leading digits that say it is this one.
    let leadingDigits: DigitPattern?
    /// True when the plan cannot tell mobiles from landlines (North America).
    let sameMobileAndFixedLine: Bool
    /// Every number the plan has, whatever its kind.
    let general: NumberRange?
    /// The ranges of each kind, in the order libphonenumber tries them.
    let ranges: [(kind: NumberKind, range: NumberRange)]
    let nationalFormats: [NumberLayout]
    let internationalFormats: [NumberLayout]

    /// Regions this plan is the default for (one; kept for callers that listed several).
    public var regions: [String] { [region] }
}

/// One range of a plan: a pattern over national significant numbers and the lengths it allows.
struct NumberRange: Sendable {
    let pattern: DigitPattern
    let lengths: [Int]
    /// Lengths only dialable inside an area (a local number without its area code).
    let localLengths: [Int]

    /// libphonenumber's test: the lengths first, when the range lists any, then the pattern.
    func contains(_ digits: [UInt8]) -> Bool {
        if !lengths.isEmpty, !lengths.contains(digits.count) { return false }
        return pattern.matchesWhole(digits)
    }
}

/// How a region writes numbers starting with some digits: `(\d{4})(\d{6})` as `0\1 \2`.
struct NumberLayout: Sendable {
    let pattern: DigitPattern
    let leading: DigitPattern?
    let template: String
}

/// What a number is, as libphonenumber types it.
public enum NumberKind: String, Sendable, Equatable, CaseIterable {
    case premiumRate = "premium_rate"
    case tollFree = "toll_free"
    case sharedCost = "shared_cost"
    case voip
    case personalNumber = "personal_number"
    case pager
    case uan
    case voicemail
    case fixedLine = "fixed_line"
    case mobile
    /// A plan (North America's) that cannot tell the two apart: texts may reach it.
    case fixedLineOrMobile = "fixed_line_or_mobile"

    /// True when the number can receive texts.
    public var receivesTexts: Bool { self == .mobile || self == .fixedLineOrMobile }

    /// The kind in a sentence: "a landline".
    public var phrase: String {
        switch self {
        case .premiumRate: return "a premium-rate number"
        case .tollFree: return "a freephone number"
        case .sharedCost: return "a shared-cost number"
        case .voip: return "an internet-call (VoIP) number"
        case .personalNumber: return "a personal (follow-me) number"
        case .pager: return "a pager number"
        case .uan: return "a company switchboard number"
        case .voicemail: return "a voicemail access number"
        case .fixedLine: return "a landline"
        case .mobile: return "a mobile"
        case .fixedLineOrMobile: return "a landline or mobile"
        }
    }
}
