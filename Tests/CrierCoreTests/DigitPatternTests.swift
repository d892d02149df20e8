@testable import CrierCore
import Testing

/// The pattern subset libphonenumber's metadata uses, matched as Python's `re` matches it.
struct DigitPatternTests {
    private func digits(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test(arguments: [
        ("7[1-57-9]\\d{8}", "7912345678", true),
        ("7[1-57-9]\\d{8}", "7612345678", false),
        ("7[1-57-9]\\d{8}", "79123456789", false),
        ("(?:2[0-3]|5)\\d{2,3}", "5123", true),
        ("(?:2[0-3]|5)\\d{2,3}", "24123", false),
        ("1?\\d{3}", "1234", true),
        ("8\\d*", "8", true),
        ("8\\d+", "8", false),
    ])
    func matchesWholeNumbers(pattern: String, number: String, expected: Bool) throws {
        let compiled = try #require(DigitPattern(pattern))
        #expect(compiled.matchesWhole(digits(number)) == expected)
    }

    @Test func prefixMatchesKeepPythonsGroups() throws {
        // Brazil's trunk prefix with a carrier code: "0 21 21234567" keeps group 2.
        let brazil = try #require(DigitPattern("(?:0|90)(?:(1[245]|2[1-35]|31|4[13]|[56]5|99)(\\d{10,11}))?"))
        let found = try #require(brazil.matchPrefix(digits("0212198765432")))
        #expect(found.end == 13)
        #expect(found.groups == [1..<3, 3..<13])
        #expect(DigitTemplate.expand("\\2", groups: found.groups, in: digits("0212198765432")) == digits("2198765432"))
        // "$" inside an alternative: Japan's rule only takes the first branch at the very end.
        let japan = try #require(DigitPattern("(000[2569]\\d{4,6})$|(?:(?:003768)0?)|0"))
        #expect(japan.matchPrefix(digits("0005123456"))?.groups == [0..<10])
        #expect(japan.matchPrefix(digits("00051234567"))?.groups == [nil])
        #expect(japan.matchPrefix(digits("0312345678"))?.end == 1)
    }

    @Test(arguments: ["[a-z]", "\\w", "(?=1)", "1{3,2}", "(1", "1)"])
    func refusesWhatIsOutsideTheSubset(pattern: String) {
        #expect(DigitPattern(pattern) == nil)
    }
}
