import CrierCore
import CrierServer
import CrierStore
import CrierTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Prometheus
import Testing

struct TemplateAPITests {
    @Test(arguments: TestEngines.all)
    func venuesEditPreviewAndResetTheirWording(engine: EngineKind) async throws {
        try await withTestStore(engine) { store in
            let venue = try await store.makeVenue()
            let key = try await store.apiKeys.create(venueId: venue.id, name: "t", scope: .write, actor: .system).secret
            let provider = ScriptedProvider()
            let dispatcher = try Dispatcher(store: store, providers: [provider], publicURL: nil, logger: Logger(label: "t"))
            let app = Application(router: try CrierServer.router(store: store, registry: PrometheusCollectorRegistry(), dispatcher: dispatcher))
            try await app.test(.router) { client in
                let api = APIClient(client: client, key: key)
                let list = try await api.get("/api/v1/templates")["items"]?.array ?? []
                #expect(list.count == 11)
                #expect(list.first?["name"] == "confirmation")
                #expect(list.first?["override"] == .null)

                let preview = try await api.post("/api/v1/templates/confirmation/preview", #"{"body":"Hi {{first_name}} 🎉 {{event_name}}"}"#)
                #expect(preview["text"] == "Hi Sam 🎉 Quiz night")
                #expect(preview["encoding"] == "UCS-2")
                #expect(preview["segments"] == 1)
                let badPreview = try await api.post("/api/v1/templates/help/preview", #"{"body":"{{event_name}}"}"#)
                #expect(badPreview.fieldErrors["body"]?.contains("help messages don't provide") == true)

                let refused = try await api.send(.put, "/api/v1/templates/confirmation", #"{"body":"Hi {{firstname}}"}"#)
                #expect(refused.status == .unprocessableContent)
                #expect(try await api.send(.put, "/api/v1/templates/nope", #"{"body":"x"}"#).status == .notFound)
                let saved = try await api.send(.put, "/api/v1/templates/confirmation", #"{"body":"{{first_name}}: {{event_name}} booked. {{venue_name}}"}"#)
                #expect(saved["override"] == "{{first_name}}: {{event_name}} booked. {{venue_name}}")

                _ = try await api.post("/api/v1/customers", #"{"first_name":"Ann","last_name":"Lee","mobile":"07700900123"}"#)
                _ = try await api.post("/api/v1/events", #"{"name":"Gig","starts_at":"2026-12-10T20:00"}"#)
                _ = try await api.post("/api/v1/bookings", #"{"customer_id":1,"event_id":1,"seats":1}"#)
                try await dispatcher.runUntilIdle()
                #expect(provider.sent.map(\.body) == ["Ann: Gig booked. Crown"])

                let reset = try await api.send(.delete, "/api/v1/templates/confirmation", nil)
                #expect(reset["override"] == .null)
            }
        }
    }
}
