import CrierCore
import CrierStore
import CrierTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// `/api/v1/inbox` and staff replies, over texts received through the Twilio webhook.
struct InboxAPITests {
    typealias Hooks = TwilioWebhookRouteTests.Hooks

    static func get(_ h: Hooks, _ key: String, _ uri: String, method: HTTPRequest.Method = .get, json: String? = nil,
                    headers extra: HTTPFields = [:]) async throws -> (status: HTTPResponse.Status, json: JSONValue) {
        var headers = extra
        headers[.authorization] = "Bearer \(key)"
        if json != nil { headers[.contentType] = "application/json" }
        let response = try await h.client.executeRequest(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
        let data = Data(buffer: response.body)
        return (response.status, data.isEmpty ? .null : try JSONDecoder().decode(JSONValue.self, from: data))
    }

    @Test(arguments: TestEngines.all)
    func repliesNewestFirstReadMarksAndLinking(engine: EngineKind) async throws {
        try await TwilioWebhookRouteTests.run(engine) { h async throws -> Void in
            let key = try await h.store.apiKeys.create(venueId: h.venue.id, name: "t", scope: .write, actor: .system).secret
            try await h.text("See you at 8", sid: "SM1")
            try await h.text("Who is this?", from: "+447911123456", sid: "SM2")
            try await h.text("And my friend", from: "+447911123456", sid: "SM3")
            let all = try await Self.get(h, key, "/api/v1/inbox")
            let items = all.json["items"]?.array ?? []
            #expect(items.compactMap { $0["body"]?.string } == ["And my friend", "Who is this?", "See you at 8"])
            #expect(items.allSatisfy { $0["read"] == .bool(false) && $0["direction"]?.string == "in" })
            #expect(items.last?["customer_name"]?.string == "Ann Lee" && items.first?["customer_name"] == .null)
            let unmatched = try await Self.get(h, key, "/api/v1/inbox?filter=unmatched").json["items"]?.array ?? []
            #expect(unmatched.count == 2)
            // Read, then unread again.
            let first = try #require(items.last?["id"]?.int)
            #expect(try await Self.get(h, key, "/api/v1/inbox/\(first)/read", method: .post).json["read"] == .bool(true))
            #expect((try await Self.get(h, key, "/api/v1/inbox?filter=unread").json["items"]?.array ?? []).count == 2)
            #expect(try await Self.get(h, key, "/api/v1/inbox/\(first)/read", method: .post, json: #"{"read":false}"#).json["read"] == .bool(false))
            // Linking one text of an unknown number files both of that number's texts under the customer.
            let bob = try await h.store.makeCustomer(h.venue, first: "Bob", n: 5)
            let stranger = try #require(items.first?["id"]?.int)
            let linked = try await Self.get(h, key, "/api/v1/inbox/\(stranger)/link", method: .post, json: #"{"customer_id":\#(bob.id)}"#)
            #expect(linked.status == .ok && linked.json["customer_name"]?.string == "Bob Lee")
            #expect((try await Self.get(h, key, "/api/v1/inbox?filter=unmatched").json["items"]?.array ?? []).isEmpty)
            // Bad input: clear errors, nothing changed.
            let missing = try await Self.get(h, key, "/api/v1/inbox/\(stranger)/link", method: .post, json: "{}")
            #expect(missing.status == .unprocessableContent && missing.json["error"]?["fields"]?["customer_id"]?.string == "is required")
            let nobody = try await Self.get(h, key, "/api/v1/inbox/\(stranger)/link", method: .post, json: #"{"customer_id":999999}"#)
            #expect(nobody.status == .unprocessableContent)
            #expect(try await Self.get(h, key, "/api/v1/inbox/999999/read", method: .post).status == .notFound)
            #expect(try await Self.get(h, key, "/api/v1/inbox?filter=spam").status == .unprocessableContent)
        }
    }

    @Test(arguments: TestEngines.all)
    func aStaffReplyIsQueuedOnceThroughTheOutbox(engine: EngineKind) async throws {
        try await TwilioWebhookRouteTests.run(engine) { h async throws -> Void in
            let key = try await h.store.apiKeys.create(venueId: h.venue.id, name: "t", scope: .write, actor: .system).secret
            let uri = "/api/v1/customers/\(h.ann.id)/messages"
            let retry: HTTPFields = [.init("Idempotency-Key")!: "reply-1"]
            let first = try await Self.get(h, key, uri, method: .post, json: #"{"body":"Table 4 is yours, see you at 8"}"#, headers: retry)
            #expect(first.status == .accepted)
            #expect(first.json["kind"]?.string == "manual" && first.json["status"]?.string == "scheduled" && first.json["to"]?.string == "+447700900000")
            // The same request again (a retry): the same message, not a second text.
            let again = try await Self.get(h, key, uri, method: .post, json: #"{"body":"Table 4 is yours, see you at 8"}"#, headers: retry)
            #expect(again.status == .ok && again.json["id"] == first.json["id"])
            #expect(try await h.outbound(.manual).count == 1)
            #expect(try await Self.get(h, key, uri, method: .post, json: #"{"body":"  "}"#).status == .unprocessableContent)
            #expect(try await Self.get(h, key, uri, method: .post, json: "{}").status == .unprocessableContent)
            #expect(try await Self.get(h, key, "/api/v1/customers/999999/messages", method: .post, json: #"{"body":"hi"}"#).status == .notFound)
            let readOnly = try await h.store.apiKeys.create(venueId: h.venue.id, name: "r", scope: .read, actor: .system).secret
            #expect(try await Self.get(h, readOnly, uri, method: .post, json: #"{"body":"hi"}"#).status == .forbidden)
        }
    }
}
