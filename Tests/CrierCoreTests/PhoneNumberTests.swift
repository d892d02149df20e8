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
    ])
    func normalises(input: String, region: String, expected: String) throws {
        #expect(try PhoneNumber.parse(input, defaultRegion: region).e164 == expected)
    }

    @Test(arguments: [
        ("", "GB", PhoneNumberError.empty),
        ("call me", "GB", .notANumber),
        ("07700 90012#", "GB", .notANumber),
        ("123", "GB", .tooShort),
        ("020 7946 0018", "GB", .notMobile("a landline")),
        ("0800 123 4567", "GB", .notMobile("a freephone or premium-rate number")),
        ("(800) 555-0199", "US", .notMobile("a toll-free number")),
        ("+81 90 1234 5678", "GB", .unsupportedCountry("819")),
        ("07700 900123", "XX", .unsupportedRegion("XX")),
        ("+447700900123", "XX", .unsupportedRegion("XX")),
        ("+442079460018", "GB", .notMobile("a landline")),
        ("+81901234567", "GB", .unsupportedCountry("819")),
        ("+1", "GB", .tooShort),
    ])
    func refusesWithAReason(input: String, region: String, expected: PhoneNumberError) {
        #expect(throws: expected) { try PhoneNumber.parse(input, defaultRegion: region) }
    }

    @Test func reasonsReadAsSentences() {
        #expect(PhoneNumberError.notMobile("a landline").message == "is a landline, not a mobile: it can't receive texts")
        #expect(PhoneNumberError.invalid(country: "GB").message == "is not a valid GB mobile number")
    }
}
