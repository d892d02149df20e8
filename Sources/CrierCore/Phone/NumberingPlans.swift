/// The numbering plans Crier knows. Each rule names the ranges national regulators publish;
/// `Tests/CrierCoreTests/PhoneNumberFixtureTests` checks them against libphonenumber's verdicts.
public enum NumberingPlans {
    /// Every supported plan, looked up by region or by country code.
    public static let all: [NumberingPlan] = [gb, ie, nanp, au, nz, fr, de, es, it, nl, be]

    /// The plan used by default in a region ("GB", "US"...), if Crier supports it.
    public static func plan(region: String) -> NumberingPlan? {
        all.first { $0.regions.contains(region.uppercased()) }
    }

    /// Supported ISO regions, for validation messages.
    public static var supportedRegions: [String] { all.flatMap(\.regions).sorted() }

    static let gb = NumberingPlan(regions: ["GB"], countryCode: "44", trunkPrefix: "0", lengths: 9...10) { n in
        if n.count == 10, n.hasPrefix("7624") { return .mobile } // Isle of Man mobiles
        if n.count == 10, n.hasAnyPrefix(["71", "72", "73", "74", "75", "77", "78", "79"]) { return .mobile }
        if n.hasPrefix("76") { return n.count == 10 ? .notMobile("a pager number") : .invalid }
        if n.hasPrefix("70") { return n.count == 10 ? .notMobile("a personal number") : .invalid }
        if n.hasPrefix("7") { return .invalid }
        if n.hasAnyPrefix(["1", "2"]) { return .notMobile("a landline") }
        if n.hasPrefix("3") { return n.count == 10 ? .notMobile("a non-geographic number") : .invalid }
        if n.hasPrefix("5") { return n.count == 10 ? .notMobile("an internet-call number") : .invalid }
        if n.hasAnyPrefix(["80", "84", "87", "9"]) { return .notMobile("a freephone or premium-rate number") }
        return .invalid
    }

    static let ie = NumberingPlan(regions: ["IE"], countryCode: "353", trunkPrefix: "0", lengths: 7...10) { n in
        if n.count == 9, n.hasAnyPrefix(["83", "85", "86", "87", "88", "89"]) { return .mobile }
        if n.count == 9, n.hasPrefix("822") { return .mobile }
        if n.hasPrefix("8") && n.count == 9 { return .invalid }
        return .notMobile("a landline or service number")
    }

    /// North America: the plan cannot tell mobiles from landlines, so geographic numbers pass.
    static let nanp = NumberingPlan(
        regions: ["US", "CA"], countryCode: "1", trunkPrefix: "1", internationalPrefix: "011", lengths: 10...10
    ) { n in
        let digits = Array(n)
        guard n.count == 10, digits[0] >= "2", digits[3] >= "2" else { return .invalid }
        let area = String(n.prefix(3))
        if area.hasSuffix("11") || area.hasPrefix("37") || area.hasPrefix("96") { return .invalid }
        if ["800", "833", "844", "855", "866", "877", "888"].contains(area) {
            return .notMobile("a toll-free number")
        }
        if area == "900" { return .notMobile("a premium-rate number") }
        // 5XX codes set aside for personal communications services; the other 5XX are geographic.
        if ["500", "521", "522", "523", "524", "525", "526", "527", "528", "529", "532", "533", "544", "566", "577", "588"]
            .contains(area)
        {
            return .notMobile("a personal-communications number")
        }
        if area == "710" || area == "600" || area == "622" { return .notMobile("a service number") }
        return .mobile
    }

    static let au = NumberingPlan(
        regions: ["AU"], countryCode: "61", trunkPrefix: "0", internationalPrefix: "0011", lengths: 5...10
    ) { n in
        if n.hasPrefix("4") { return n.count == 9 ? .mobile : .invalid }
        return .notMobile("a landline or service number")
    }

    static let nz = NumberingPlan(regions: ["NZ"], countryCode: "64", trunkPrefix: "0", lengths: 7...10) { n in
        switch n.count {
        case 9...10 where n.hasAnyPrefix(["20", "21", "22", "27", "28", "29"]): return .mobile
        case 8...9 where n.hasPrefix("26"): return .mobile
        case 8 where n.hasAnyPrefix(["21", "275"]): return .mobile
        default: return n.hasPrefix("2") ? .invalid : .notMobile("a landline or service number")
        }
    }

    static let fr = NumberingPlan(regions: ["FR"], countryCode: "33", trunkPrefix: "0", lengths: 9...9) { n in
        if n.hasPrefix("6") || n.hasAnyPrefix(["73", "74", "75", "76", "77", "78", "79"]) { return .mobile }
        if n.hasPrefix("7") { return .invalid }
        return .notMobile("a landline or service number")
    }

    static let de = NumberingPlan(regions: ["DE"], countryCode: "49", trunkPrefix: "0", lengths: 6...13) { n in
        if n.hasPrefix("15") || n.hasPrefix("16") || n.hasPrefix("17") {
            if n.hasPrefix("17") || n.hasAnyPrefix(["160", "162", "163"]) {
                return (10...11).contains(n.count) ? .mobile : .invalid
            }
            if n.hasPrefix("15") { return n.count == 11 ? .mobile : .invalid }
            return n.hasPrefix("16") ? .notMobile("a pager number") : .invalid
        }
        return .notMobile("a landline or service number")
    }

    static let es = NumberingPlan(regions: ["ES"], countryCode: "34", trunkPrefix: nil, lengths: 9...9) { n in
        if n.hasPrefix("6") || n.hasAnyPrefix(["71", "72", "73", "74", "78"]) { return .mobile }
        if n.hasPrefix("7") { return .invalid }
        return .notMobile("a landline or service number")
    }

    static let it = NumberingPlan(regions: ["IT"], countryCode: "39", trunkPrefix: nil, lengths: 6...12) { n in
        if n.hasPrefix("3") { return (9...10).contains(n.count) ? .mobile : .invalid }
        if n.hasPrefix("43"), n.count == 10 { return .mobile }
        return .notMobile("a landline or service number")
    }

    static let nl = NumberingPlan(regions: ["NL"], countryCode: "31", trunkPrefix: "0", lengths: 7...11) { n in
        if n.count == 9, n.hasAnyPrefix(["61", "62", "63", "64", "65", "68"]) { return .mobile }
        if n.hasPrefix("6") { return n.count == 9 ? .notMobile("a pager or data number") : .invalid }
        return .notMobile("a landline or service number")
    }

    static let be = NumberingPlan(regions: ["BE"], countryCode: "32", trunkPrefix: "0", lengths: 8...9) { n in
        if n.count == 9, n.hasAnyPrefix(["45", "46", "47", "48", "49"]) { return .mobile }
        if n.hasPrefix("4") { return .invalid }
        return .notMobile("a landline or service number")
    }
}
