import CrierCore
import CrierPluginKit
import CrierStore
import Foundation

extension Dispatcher {
    /// Settles `unknown` texts from their providers' records, where the provider can look texts
    /// up: found means it was sent (with the provider's id); nothing like it, once `settleAfter`
    /// has passed since the hand-off, means it never got there, and it is scheduled to go again.
    /// Each verdict is written in the text's attempt log. Returns how many were settled.
    func settleLostOutcomes() async -> Int {
        guard providers.values.contains(where: { $0 is any SMSLookup }) else { return 0 }
        do {
            let lost = try await store.dispatch.unsettled(limit: 50)
            guard !lost.isEmpty else { return 0 }
            let contexts = try await store.dispatch.contexts(for: lost, templates: [:])
            var changes: [MessageChange] = []
            var never: [Int64] = []
            var later: [Date: [Int64]] = [:]
            for m in lost {
                let now = store.clock.now()
                guard let context = contexts[m.id], let handedOffAt = m.handedOffAt, let body = m.body,
                      let lookup = providers[context.provider] as? any SMSLookup
                else {
                    never.append(m.id)
                    continue
                }
                let query = SentSMSQuery(messageId: m.id, to: m.to, from: m.from, body: body, handedOffAt: handedOffAt)
                let answer = await Deadline.run(seconds: settings.sendTimeout, orElse: SMSLookupAnswer.failed(detail: "no answer in time")) {
                    await lookup.lookup(query, settings: ProviderSettings(context.providerSettings))
                }
                switch answer {
                case .found(let id, let report):
                    changes.append(MessageChange(m.id, .settled(found: true), MessageUpdate(
                        providerMessageId: id, attempt: ("settled_sent", "the provider has it as \(id)", now))))
                    if let report, report != DeliveryReport.sent { changes.append(MessageChange(m.id, .report(report), MessageUpdate(providerMessageId: id))) }
                case .notFound where now.timeIntervalSince(handedOffAt) >= settings.settleAfter:
                    changes.append(MessageChange(m.id, .settled(found: false), MessageUpdate(
                        reason: MessageReason.notAtProvider, scheduledFor: now,
                        attempt: ("settled_not_sent", "the provider has no such text \(Int(now.timeIntervalSince(handedOffAt))) s after the hand-off; it goes again", now))))
                case .notFound:
                    later[handedOffAt.addingTimeInterval(settings.settleAfter), default: []].append(m.id)
                case .failed(let detail):
                    logger.warning("could not look up a lost text", metadata: ["message_id": "\(m.id)", "detail": "\(detail)"])
                    later[now.addingTimeInterval(max(60, settings.firstCheck)), default: []].append(m.id)
                }
            }
            try await store.dispatch.checkLater(never, at: nil)
            for (at, ids) in later { try await store.dispatch.checkLater(ids, at: at) }
            let transitions = try await store.dispatch.recordAll(changes)
            return Set(changes.map(\.id)).filter { id in
                if case .to = transitions[id] { return true } else { return false }
            }.count
        } catch {
            logger.error("could not settle lost outcomes", metadata: ["error": "\(error)"])
            return 0
        }
    }
}
