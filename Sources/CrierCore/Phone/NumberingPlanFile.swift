/// The generated tables' JSON shape (see `scripts/numbering-plans/generate.py`).
struct NumberingPlanFile: Decodable {
    let version: String
    let plans: [Entry]

    struct Entry: Decodable {
        let region: String
        let cc: Int
        let idd: String?
        let np: String?
        let npp: String?
        let npt: String?
        let lead: String?
        let same: Bool
        let general: Range?
        let kinds: [String: Range]
        let national: [Layout]
        let intl: [Layout]

        /// The compiled plan; nil if any pattern is outside the subset `DigitPattern` reads.
        var plan: NumberingPlan? {
            // A pattern the plan lacks is fine; one that does not compile is not.
            let idd = idd.flatMap(DigitPattern.init), npp = npp.flatMap(DigitPattern.init)
            let lead = lead.flatMap(DigitPattern.init)
            guard (idd == nil) == (self.idd == nil), (npp == nil) == (self.npp == nil),
                  (lead == nil) == (self.lead == nil)
            else { return nil }
            var ranges: [(kind: NumberKind, range: NumberRange)] = []
            for kind in NumberKind.allCases {
                guard let entry = kinds[kind.rawValue] else { continue }
                guard let range = entry.range else { return nil }
                ranges.append((kind, range))
            }
            let general = general?.range
            let national = national.compactMap(\.layout)
            let intl = intl.compactMap(\.layout)
            guard (self.general == nil) == (general == nil), national.count == self.national.count,
                  intl.count == self.intl.count
            else { return nil }
            return NumberingPlan(
                region: region, countryCode: String(cc), trunkPrefix: np, internationalPrefix: idd,
                nationalPrefixForParsing: npp, nationalPrefixTransform: npt, leadingDigits: lead,
                sameMobileAndFixedLine: same, general: general, ranges: ranges,
                nationalFormats: national, internationalFormats: intl)
        }
    }

    /// `[pattern, lengths, local-only lengths]`.
    struct Range: Decodable {
        let pattern: String
        let lengths: [Int]
        let local: [Int]

        init(from decoder: any Decoder) throws {
            var list = try decoder.unkeyedContainer()
            pattern = try list.decode(String.self)
            lengths = try list.decode([Int].self)
            local = try list.decode([Int].self)
        }

        var range: NumberRange? {
            DigitPattern(pattern).map { NumberRange(pattern: $0, lengths: lengths, localLengths: local) }
        }
    }

    /// `[pattern, leading digits or null, template]`.
    struct Layout: Decodable {
        let pattern: String
        let leading: String?
        let template: String

        init(from decoder: any Decoder) throws {
            var list = try decoder.unkeyedContainer()
            pattern = try list.decode(String.self)
            leading = try list.decodeIfPresent(String.self)
            template = try list.decode(String.self)
        }

        var layout: NumberLayout? {
            guard let compiled = DigitPattern(pattern) else { return nil }
            if let leading {
                guard let lead = DigitPattern(leading) else { return nil }
                return NumberLayout(pattern: compiled, leading: lead, template: template)
            }
            return NumberLayout(pattern: compiled, leading: nil, template: template)
        }
    }
}
