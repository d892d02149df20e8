/// How a number is written for people: `07700 900123` at home, `+44 7700 900123` abroad.
public enum PhoneNumberStyle: Sendable {
    /// As dialled inside the number's own country, with its trunk prefix.
    case national
    /// With the country code, grouped as the country groups it.
    case international
}

extension PhoneNumber {
    /// The number written as its country writes it (libphonenumber's `format_number`).
    public func formatted(_ style: PhoneNumberStyle) -> String {
        let digits = Array(e164.utf8.dropFirst())
        guard let code = NumberingPlans.countryCode(startingWith: digits),
              let plan = NumberingPlans.plans(countryCode: code).first
        else { return e164 }
        let nsn = Array(digits.dropFirst(code.count))
        let layouts = style == .national ? plan.nationalFormats : plan.internationalFormats
        var grouped = String(decoding: nsn, as: UTF8.self)
        for layout in layouts where layout.leading.map({ $0.matchPrefix(nsn) != nil }) ?? true {
            guard let match = layout.pattern.matchWhole(nsn) else { continue }
            grouped = String(decoding: DigitTemplate.expand(layout.template, groups: match.groups, in: nsn), as: UTF8.self)
            break
        }
        return style == .national ? grouped : "+" + code + " " + grouped
    }

    /// Written for someone in `region`: nationally for its own numbers, internationally otherwise.
    public func formatted(for region: String) -> String {
        NumberingPlans.plan(region: region).map { e164.hasPrefix("+" + $0.countryCode) } == true
            ? formatted(.national) : formatted(.international)
    }
}
