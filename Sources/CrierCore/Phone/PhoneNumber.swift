import Foundation

/// A mobile number in E.164 form (`+447700900123`): the only form Crier stores or sends to.
public struct PhoneNumber: Sendable, Hashable, Codable, CustomStringConvertible {
    /// `+` then country code then national significant number.
    public let e164: String

    public var description: String { e164 }

    /// Reads what staff or a customer typed, in the venue's default region.
    ///
    /// Accepts national (`07700 900123`), international (`+44 7700 900123`, `0044 ...`,
    /// `011 44 ...` from North America) and punctuated forms (`(415) 555-2671`); a stray
    /// trunk prefix after the country code (`+44 (0)7700 ...`) is forgiven, as people write it.
    public static func parse(_ text: String, defaultRegion: String) throws(PhoneNumberError) -> PhoneNumber {
        // The usual case, E.164 as providers send it, without the cleaning below (it costs more
        // than the rest of an inbound text's handling).
        let bytes = text.utf8
        if bytes.count > 1, bytes.first == UInt8(ascii: "+"), bytes.dropFirst().allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            guard NumberingPlans.plan(region: defaultRegion) != nil else { throw .unsupportedRegion(defaultRegion) }
            return try international(String(text.dropFirst())).get()
        }
        var trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        // "++44..." is a common slip; libphonenumber forgives it too.
        while trimmed.hasPrefix("++") { trimmed.removeFirst() }
        if trimmed.isEmpty { throw .empty }
        if trimmed.contains(where: \.isLetter) { throw .notANumber }
        let allowed = Set(" -./()\u{00A0}")
        guard trimmed.allSatisfy({ $0.isASCII && $0.isNumber || allowed.contains($0) || $0 == "+" }) else {
            throw .notANumber
        }
        let plusCount = trimmed.filter { $0 == "+" }.count
        guard plusCount == 0 || (plusCount == 1 && trimmed.hasPrefix("+")) else { throw .notANumber }
        let digits = trimmed.filter(\.isNumber)
        guard !digits.isEmpty else { throw .notANumber }
        guard let home = NumberingPlans.plan(region: defaultRegion) else {
            throw .unsupportedRegion(defaultRegion)
        }

        let outcome: Outcome
        if plusCount == 1 {
            outcome = international(digits)
        } else if digits.hasPrefix(home.internationalPrefix) {
            outcome = international(String(digits.dropFirst(home.internationalPrefix.count)))
        } else {
            var national = nationalNumber(digits, plan: home)
            // "447700900123" typed without the plus: phonenumbers reads it as international too.
            if case .failure = national, digits.hasPrefix(home.countryCode) {
                national = national.better(
                    nationalNumber(String(digits.dropFirst(home.countryCode.count)), plan: home))
            }
            outcome = national
        }
        switch outcome {
        case .success(let number): return number
        case .failure(let error): throw error
        }
    }

    typealias Outcome = Result<PhoneNumber, PhoneNumberError>

    private static func international(_ digits: String) -> Outcome {
        guard let plan = NumberingPlans.all.first(where: { digits.hasPrefix($0.countryCode) }) else {
            if digits.count < 7 { return .failure(.tooShort) }
            if digits.count > 15 { return .failure(.tooLong) }
            return .failure(.unsupportedCountry(String(digits.prefix(3))))
        }
        let nsn = String(digits.dropFirst(plan.countryCode.count))
        var outcome = evaluate(nsn, plan: plan)
        if case .failure = outcome, let trunk = plan.trunkPrefix, nsn.hasPrefix(trunk) {
            outcome = outcome.better(evaluate(String(nsn.dropFirst(trunk.count)), plan: plan))
        }
        return outcome
    }

    private static func nationalNumber(_ digits: String, plan: NumberingPlan) -> Outcome {
        guard let trunk = plan.trunkPrefix, digits.hasPrefix(trunk) else { return evaluate(digits, plan: plan) }
        let stripped = evaluate(String(digits.dropFirst(trunk.count)), plan: plan)
        if case .success = stripped { return stripped }
        return stripped.better(evaluate(digits, plan: plan))
    }

    private static func evaluate(_ nsn: String, plan: NumberingPlan) -> Outcome {
        let country = plan.regions[0]
        if nsn.count < plan.lengths.lowerBound { return .failure(.tooShort) }
        if nsn.count > plan.lengths.upperBound { return .failure(.tooLong) }
        switch plan.classify(nsn) {
        case .mobile: return .success(PhoneNumber(e164: "+" + plan.countryCode + nsn))
        case .notMobile(let what): return .failure(.notMobile(what))
        case .invalid: return .failure(.invalid(country: country))
        }
    }

    /// Wraps an E.164 string read back from storage (already validated when written).
    public init(trusted e164: String) { self.e164 = e164 }

    private init(e164: String) { self.e164 = e164 }

    public init(from decoder: any Decoder) throws {
        e164 = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(e164)
    }
}

extension Result where Success == PhoneNumber, Failure == PhoneNumberError {
    /// The more useful of two readings: a number beats an error; "is a landline" beats "invalid".
    func better(_ other: Self) -> Self {
        switch (self, other) {
        case (.success, _): return self
        case (_, .success): return other
        case (.failure(let a), .failure(let b)): return b.rank > a.rank ? other : self
        }
    }
}
