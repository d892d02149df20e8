import CrierCore
import Foundation
import Testing

/// The journal's JSON writer reads back as the same value, with keys in order and odd text escaped.
struct JSONTextTests {
    @Test func roundTripsAndSortsKeys() throws {
        let value: JSONValue = ["b": .array([.null, .bool(true), .number(3), .number(-2.5), .number(1e20)]), "a": "line\nbreak \"quoted\" \\ tab\t \u{1} é 🎉 </script>",
                                "A": .object([:]), "é": .array([])]
        let text = value.jsonText
        #expect(text.hasPrefix(#"{"A":{},"a":"line\nbreak \"quoted\" \\ tab\t \u0001 é 🎉 </script>","b":[null,true,3,-2.5,"#))
        #expect(try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) == value)
        #expect(JSONValue.number(.nan).jsonText == "null")
    }
}
