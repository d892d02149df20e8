import CrierStore
import CrierTestSupport
import Hummingbird
import HummingbirdTesting
import Testing

/// A known path with a method it does not take is a 405 naming the methods it does take; unknown
/// paths and a route's own "not found" stay 404.
struct MethodNotAllowedTests {
    @Test(arguments: TestEngines.all)
    func aKnownPathWithAnotherMethodIs405WithAllow(engine: EngineKind) async throws {
        try await APIHarness.run(engine) { api in
            let collection = try await api.send(.delete, "/api/v1/customers")
            #expect(collection.status == .methodNotAllowed)
            #expect(collection.headers[.allow] == "GET, HEAD, POST")
            #expect(collection.errorCode == "method_not_allowed")
            let one = try await api.send(.put, "/api/v1/customers/12")
            #expect(one.status == .methodNotAllowed)
            #expect(one.headers[.allow]?.contains("PATCH") == true && one.headers[.allow]?.contains("PUT") == false)
            // Before the key is checked: the method is wrong whoever asks.
            let anonymous = try await api.send(.delete, "/api/v1/customers", key: .some(nil))
            #expect(anonymous.status == .methodNotAllowed)
            let health = try await api.send(.post, "/health", key: .some(nil))
            #expect(health.status == .methodNotAllowed && health.headers[.allow] == "GET, HEAD")
            // Still 404: no such path, and a route's own "no such customer" (another venue's id).
            #expect(try await api.send(.delete, "/api/v1/no-such-thing").status == .notFound)
            #expect(try await api.get("/api/v1/customers/999999").status == .notFound)
            #expect(try await api.send(.get, "/api/v1/customers").status == .ok)
        }
    }
}
