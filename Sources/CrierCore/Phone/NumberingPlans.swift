import Foundation

/// Every numbering plan libphonenumber knows, read from the generated `source` on first use.
public struct NumberingPlans: Sendable {
    /// Every plan, main regions of shared country codes first.
    public let all: [NumberingPlan]
    private let byRegion: [String: NumberingPlan]
    /// Plans sharing each country code, the code's main region first (+1: US, AG, AI...).
    private let byCountryCode: [String: [NumberingPlan]]

    /// The tables Crier ships (libphonenumber `metadataVersion`).
    public static let shipped = NumberingPlans(json: source)

    init(json: String) {
        let file = try! JSONDecoder().decode(NumberingPlanFile.self, from: Data(json.utf8))
        all = file.plans.compactMap(\.plan)
        precondition(all.count == file.plans.count, "a generated pattern is outside DigitPattern's subset")
        byRegion = Dictionary(all.filter { $0.region != "001" }.map { ($0.region, $0) }, uniquingKeysWith: { a, _ in a })
        byCountryCode = Dictionary(grouping: all, by: \.countryCode)
    }

    /// The plan used by default in a region ("GB", "US"...), if there is one.
    public static func plan(region: String) -> NumberingPlan? {
        shipped.byRegion[region.uppercased()]
    }

    /// Every ISO region with a plan, for choosing a venue's default region.
    public static var supportedRegions: [String] { shipped.byRegion.keys.sorted() }

    /// The plans for a country code, its main region first; empty when no country has it.
    static func plans(countryCode: String) -> [NumberingPlan] {
        shipped.byCountryCode[countryCode] ?? []
    }

    /// The country code that starts `digits` (codes are one to three digits and prefix-free).
    static func countryCode(startingWith digits: [UInt8]) -> String? {
        guard let first = digits.first, first != UInt8(ascii: "0") else { return nil }
        for length in 1...min(3, digits.count) {
            let code = String(decoding: digits.prefix(length), as: UTF8.self)
            if shipped.byCountryCode[code] != nil { return code }
        }
        return nil
    }
}

extension NumberingPlan {
    /// libphonenumber's type check: nil when the number is in none of the plan's ranges.
    func kind(of nsn: [UInt8]) -> NumberKind? {
        guard let general, general.contains(nsn) else { return nil }
        for (kind, range) in ranges where kind != .fixedLine && kind != .mobile {
            if range.contains(nsn) { return kind }
        }
        let mobile = ranges.first { $0.kind == .mobile }?.range
        if let fixed = ranges.first(where: { $0.kind == .fixedLine })?.range, fixed.contains(nsn) {
            return sameMobileAndFixedLine || mobile?.contains(nsn) == true ? .fixedLineOrMobile : .fixedLine
        }
        if !sameMobileAndFixedLine, mobile?.contains(nsn) == true { return .mobile }
        return nil
    }

    /// libphonenumber's length test against the plan as a whole.
    func lengthVerdict(_ nsn: [UInt8]) -> LengthVerdict {
        guard let general, let shortest = general.lengths.first, let longest = general.lengths.last else {
            return .invalidLength
        }
        let length = nsn.count
        if general.localLengths.contains(length) { return .localOnly }
        if length == shortest { return .possible }
        if length < shortest { return .tooShort }
        if length > longest { return .tooLong }
        return general.lengths.dropFirst().contains(length) ? .possible : .invalidLength
    }

    /// Strips a trunk prefix or carrier code as libphonenumber does, only when what is left is
    /// still a number of the plan (or the original was not one to begin with).
    func strippingNationalPrefix(_ digits: [UInt8]) -> [UInt8] {
        guard !digits.isEmpty, let prefix = nationalPrefixForParsing, let found = prefix.matchPrefix(digits) else {
            return digits
        }
        let viable = general?.pattern.matchesWhole(digits) ?? false
        let stripped: [UInt8]
        if let transform = nationalPrefixTransform, !transform.isEmpty, let last = found.groups.last, last != nil {
            stripped = DigitTemplate.expand(transform, groups: found.groups, in: digits) + digits[found.end...]
        } else {
            stripped = Array(digits[found.end...])
        }
        if viable, !(general?.pattern.matchesWhole(stripped) ?? false) { return digits }
        return stripped
    }
}

/// How a number's length compares with a plan's.
enum LengthVerdict: Sendable, Equatable {
    case possible, localOnly, tooShort, tooLong, invalidLength
}
