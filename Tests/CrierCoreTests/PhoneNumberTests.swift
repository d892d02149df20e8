import CrierCore
import Testing

struct PhoneNumberTests {
    @Test(arguments: [
        ("07700 900123", "GB", "+447700900123"),
        ("+44 7700 900123", "GB", "+447700900123"),
        ("0044 7700 900123", "GB", "+447700900123"),
        ("+44 (0)7700 900123", "GB", "+447700900123"),
        ("07700-900-123", "GB", "+447700900123"),
        ("(415) 555-2671", "US", "+14155552671"),
        ("1 415 555 2671", "US", "+14155552671"),
        ("011 44 7700 900123", "US", "+447700900123"),
        ("+1 415 555 2671", "GB", "+14155552671"),
        ("087 123 4567", "IE", "+353871234567"),
        ("0412 345 678", "AU", "+61412345678"),
        ("06 12 34 56 78", "FR", "+33612345678"),
        // Plain E.164 (the quick path providers' numbers take) reads like any other spelling.
        ("+447700900123", "GB", "+447700900123"),
        ("+447700900123", "US", "+447700900123"),
        ("+4407700900123", "GB", "+447700900123"),
        ("+14155552671", "FR", "+14155552671"),
        // Every region libphonenumber knows, full-width digits and tel: URIs.
        ("079 123 45 67", "CH", "+41791234567"),
        ("+48 512 345 678", "GB", "+48512345678"),
        ("+81 90 1234 5678", "GB", "+819012345678"),
        ("\u{FF10}\u{FF17}\u{FF19}\u{FF11}\u{FF11} 123456", "GB", "+447911123456"),
        ("tel:+44-7911-123456", "GB", "+447911123456"),
        ("tel:07911123456;phone-context=+44", "US", "+447911123456"),
    ])
    func normalises(input: String, region: String, expected: String) throws {
        #expect(try PhoneNumber.parse(input, defaultRegion: region).e164 == expected)
    }

    @Test(arguments: [
        ("", "GB", PhoneNumberError.empty),
        ("call me", "GB", .notANumber),
        ("07700 90012#", "GB", .tooShort),
        ("123", "GB", .tooShort),
        ("020 7946 0018", "GB", .notMobile("a landline")),
        ("0800 123 4567", "GB", .notMobile("a freephone number")),
        ("(800) 555-0199", "US", .notMobile("a freephone number")),
        ("+999 1234 5678", "GB", .unknownCountryCode("999")),
        ("07700 900123", "XX", .unsupportedRegion("XX")),
        ("+442079460018", "GB", .notMobile("a landline")),
        ("07911 123456 x12", "GB", .notMobile("a number with an extension")),
        ("+44 7911 123456 ext. 12", "GB", .notMobile("a number with an extension")),
        ("+1 999 234 5678", "GB", .invalid(country: "US")),
        ("+1", "GB", .tooShort),
    ])
    func refusesWithAReason(input: String, region: String, expected: PhoneNumberError) {
        #expect(throws: expected) { try PhoneNumber.parse(input, defaultRegion: region) }
    }

    @Test func reasonsReadAsSentences() {
        #expect(PhoneNumberError.notMobile("a landline").message == "is a landline: it cannot receive texts")
        #expect(PhoneNumberError.invalid(country: "GB").message == "is not a valid number for GB")
    }

    @Test func writesNumbersAsTheirCountryDoes() throws {
        let london = try PhoneNumber.parse("+447911123456", defaultRegion: "GB")
        #expect(london.formatted(.national) == "07911 123456")
        #expect(london.formatted(.international) == "+44 7911 123456")
        #expect(london.formatted(for: "GB") == "07911 123456")
        #expect(london.formatted(for: "FR") == "+44 7911 123456")
        #expect(try PhoneNumber.parse("+5491123456789", defaultRegion: "GB").formatted(.national) == "011 15-2345-6789")
    }

    @Test func everyGeneratedPlanCompiles() {
        #expect(NumberingPlans.shipped.all.count > 240)
        #expect(NumberingPlans.supportedRegions.contains("CH"))
        #expect(NumberingPlans.metadataVersion.split(separator: ".").count == 3)
    }
}
