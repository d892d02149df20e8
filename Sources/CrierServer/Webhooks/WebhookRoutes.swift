import CrierCore
import CrierPluginKit
import CrierStore
import Foundation
import Hummingbird
import Logging

/// `POST /webhooks/{provider}/inbound|status` for every loaded provider that has webhooks. The
/// plugin verifies and reads the request; the core finds the venue, stores, and decides. Nothing
/// here calls out over the network, so the provider gets its answer fast.
struct WebhookRoutes: Sendable {
    let store: Store
    let providers: [String: any SMSWebhooks]
    let renderer: SMSRenderer
    /// The server's public base URL: what providers called, when a venue's settings don't say.
    let publicURL: String?
    let logger: Logger
    /// Venues by the numbers their providers name, cached for a moment.
    let directory: WebhookDirectory
    /// Inbound texts written in batches (group commit).
    let queue: InboundQueue
    /// Counts outcomes and keywords for `/metrics`.
    let metrics: WebhookMetrics?

    /// Webhook bodies are small forms or JSON; anything bigger is not from a provider.
    static let maxBody = 64 * 1024

    func register(on router: DocumentedRoutes) {
        router.post("webhooks/:provider/:kind", operation) { request, context in try await handle(request, context) }
    }

    /// One route for every provider: each signs and words its requests its own way.
    var operation: APIOperation {
        // Each provider's acknowledgement, as it words one (TwiML, or empty text).
        let answers = Set(providers.values.flatMap { hooks in WebhookKind.allCases.map { hooks.answer(replies: [], kind: $0).contentType } })
        return APIOperation(
            "receiveWebhook", "A provider's inbound text or delivery report", details:
                "The URL to give the provider, with the venue's number; the provider's signature is checked before anything is read.",
            tag: "Webhooks",
            parameters: [.path("provider", .oneOf(providers.keys.sorted())), .path("kind", .oneOf(WebhookKind.allCases.map(\.rawValue)))],
            body: APIBody(.anyObject, contentTypes: ["application/x-www-form-urlencoded", "application/json"]),
            responses: answers.sorted().map { APIResponse(200, "stored; the provider's acknowledgement", schema: .string(), contentType: $0) } + [
                .error(400, "malformed_webhook: not the provider's shape"),
                .error(404, "no such provider, or no venue uses this number with it"),
            ])
    }

    func handle(_ request: Request, _ context: CrierRequestContext) async throws -> Response {
        let id = context.parameters.get("provider") ?? ""
        guard let hooks = providers[id] else { throw APIError(.notFound, code: "not_found", message: "no provider \(id) with webhooks") }
        guard let kind = WebhookKind(rawValue: context.parameters.get("kind") ?? "") else {
            throw APIError(.notFound, code: "not_found", message: "webhooks are /inbound and /status")
        }
        let buffer = try await request.body.collect(upTo: Self.maxBody)
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        var hook = WebhookRequest(
            url: request.uri.description, headers: headers, body: Array(buffer.readableBytesView), receivedAt: store.clock.now())
        let addresses: [String]
        do { addresses = try hooks.addresses(of: hook, kind: kind) } catch {
            metrics?.count(id, kind, error == .badSignature ? .refusedSignature : .malformed)
            throw Self.refusal(error)
        }
        guard let (venue, settings, templates) = try await venue(provider: id, addresses: addresses, kind: kind, hook: hook) else {
            if kind == .status {
                // Nothing of ours: say 200 so the provider stops retrying; nothing is stored.
                logger.info("status callback for no known message", metadata: ["provider": "\(id)"])
                metrics?.count(id, kind, .unknownMessage)
                return Self.response(hooks.answer(replies: [], kind: kind))
            }
            metrics?.count(id, kind, .unknownNumber)
            throw APIError(.notFound, code: "unknown_number", message: "no venue uses this number with \(id)")
        }
        let base = settings["public_url"] ?? publicURL ?? "http://\(request.head.authority ?? "localhost")"
        hook.url = (base.hasSuffix("/") ? String(base.dropLast()) : base) + request.uri.description
        let events: [WebhookEvent]
        do {
            events = try hooks.parse(hook, kind: kind, settings: ProviderSettings(settings))
        } catch {
            if error == .badSignature {
                // Nothing from the payload is logged: it is not known to be the provider's.
                logger.warning("webhook refused: bad or missing signature", metadata: ["provider": "\(id)", "venue": "\(venue.slug)"])
            }
            metrics?.count(id, kind, error == .badSignature ? .refusedSignature : .malformed)
            throw Self.refusal(error)
        }
        var replies: [String] = []
        for event in events {
            switch event {
            case .inbound(let providerMessageId, let from, let to, let body, let handled):
                let text = InboundText(provider: id, providerMessageId: providerMessageId, from: from, to: to, body: body, keywordHandled: handled)
                replies += try await receive(text, part: nil, venue: venue, templates: templates, inline: hooks.inlineReplies)
            case .inboundPart(let providerMessageId, let from, let to, let body, let reference, let part, let total):
                let text = InboundText(provider: id, providerMessageId: providerMessageId, from: from, to: to, body: body, keywordHandled: nil)
                replies += try await receive(
                    text, part: InboundPart(reference: reference, part: part, total: total), venue: venue, templates: templates,
                    inline: hooks.inlineReplies)
            case .status(let messageId, let providerMessageId, let report, let errorCode, let segments, let optedOut):
                let status = DeliveryStatus(
                    provider: id, messageId: messageId, providerMessageId: providerMessageId, report: report, errorCode: errorCode,
                    segments: segments, optedOut: optedOut)
                let applied = try await store.dispatch.report(status, venueId: venue.id) != nil
                metrics?.count(id, kind, applied ? .stored : .unknownMessage)
                if !applied {
                    logger.info("status callback for an unknown message", metadata: [
                        "provider": "\(id)", "venue": "\(venue.slug)", "provider_message_id": "\(providerMessageId)",
                    ])
                }
            }
        }
        return Self.response(hooks.answer(replies: hooks.inlineReplies ? replies : [], kind: kind))
    }

    /// Stores a text (or a part of one) and acts on it; returns the acknowledgements to answer with.
    func receive(_ text: InboundText, part: InboundPart?, venue: Venue, templates: [String: String], inline: Bool) async throws -> [String] {
        let receipt = try await queue.receive(InboundItem(text: text, part: part, venue: venue, inlineReplies: inline) { [renderer] kind, customer in
            renderer.keywordReply(kind, venue: venue, customer: customer, overrides: templates)
        })
        metrics?.count(text.provider, .inbound, receipt.duplicate ? .duplicate : .stored)
        if let keyword = receipt.keyword, !receipt.duplicate { metrics?.keyword(text.provider, keyword) }
        // A STOP is answered once no text to them is still in a provider call (well inside the
        // provider's own timeout): after the answer, nothing more reaches them.
        if receipt.keyword == .optOut, !receipt.duplicate, let customerId = receipt.customerId {
            await store.dispatch.waitForCallsInFlight(venueId: venue.id, customerId: customerId, deadline: 5)
        }
        return receipt.replies
    }

    /// The venue whose settings verify the request: by the addresses it names, or, for a status
    /// callback from a number the venue no longer uses, by the message id Crier put in its URL.
    func venue(provider: String, addresses: [String], kind: WebhookKind, hook: WebhookRequest) async throws
        -> (Venue, [String: String], [String: String])?
    {
        if let found = try await directory.venue(provider: provider, addresses: addresses) { return (found.venue, found.settings, found.templates) }
        guard kind == .status, let messageId = hook.query("message_id").flatMap(Int64.init),
              let venueId = try await store.dispatch.venueOf(messageId: messageId), let venue = try await store.venues.byID(venueId)
        else { return nil }
        let current = try await store.venues.provider(venueId: venueId)
        return current.id == provider ? (venue, current.settings, try await store.templates.overrides(venueId: venueId)) : nil
    }

    static func refusal(_ error: WebhookError) -> APIError {
        switch error {
        case .badSignature: return APIError(.forbidden, code: "bad_signature", message: "the request's signature does not verify")
        case .malformed(let reason): return APIError(.badRequest, code: "malformed_webhook", message: reason)
        }
    }

    static func response(_ answer: WebhookAnswer) -> Response {
        Response(
            status: .init(code: answer.status), headers: [.contentType: answer.contentType],
            body: .init(byteBuffer: ByteBuffer(string: answer.body)))
    }
}
