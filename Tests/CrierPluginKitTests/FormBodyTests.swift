import CrierPluginKit
import Testing

struct FormBodyTests {
    @Test func encodesLikeABrowserForm() {
        #expect(FormBody.encode([("Body", "Fish & Chips = £5 🎉"), ("To", "+44")]) ==
                "Body=Fish+%26+Chips+%3D+%C2%A35+%F0%9F%8E%89&To=%2B44")
        #expect(FormBody.encode([]) == "")
    }

    @Test(arguments: [
        ("Body=Fish+%26+Chips&To=%2B44", [("Body", "Fish & Chips"), ("To", "+44")]),
        ("a=1&a=2", [("a", "1"), ("a", "2")]),
        ("empty=&novalue&=x", [("empty", ""), ("novalue", ""), ("", "x")]),
        ("x=%F0%9F%8E%89%c2%a3", [("x", "🎉£")]),
        ("bad=%zz%4&trail=%", [("bad", "%zz%4"), ("trail", "%")]),
        ("eq=a=b&&", [("eq", "a=b")]),
        ("notutf8=%FF", [("notutf8", "\u{FFFD}")]),
    ])
    func decodes(body: String, pairs: [(String, String)]) {
        let decoded = FormBody.decode(body)
        #expect(decoded.map(\.0) == pairs.map(\.0))
        #expect(decoded.map(\.1) == pairs.map(\.1))
    }

    @Test func roundTrips() {
        let fields = [("Body", "Ünïcödé 100% & more+less = ?"), ("MessagingServiceSid", "MG123"), ("x y", "")]
        let decoded = FormBody.decode(FormBody.encode(fields))
        #expect(decoded.map(\.0) == fields.map(\.0) && decoded.map(\.1) == fields.map(\.1))
    }
}
