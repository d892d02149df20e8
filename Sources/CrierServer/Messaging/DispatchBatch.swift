import CrierCore
import CrierPluginKit
import CrierStore
import Foundation

extension Dispatcher {
    /// Sends one claimed batch in waves. A wave takes the next text of up to `concurrency` people;
    /// its hand-offs are recorded in one transaction (with the previous wave's outcomes), then its
    /// texts are sent side by side. A crash can so leave at most one wave handed off without an
    /// outcome; every other claimed text is still `scheduled` and goes later, once. One person's
    /// texts go one per wave, oldest first, so they arrive in the order they were created; a
    /// text that must wait for a retry holds back the later ones behind it.
    func send(_ claimed: [Message], into report: inout Report) async {
        let contexts: [Int64: DispatchContext]
        var recent: [String: Int]
        do {
            var overrides: [Int64: [String: String]] = [:]
            for venueId in Set(claimed.map(\.venueId)) { overrides[venueId] = try await store.templates.overrides(venueId: venueId) }
            contexts = try await store.dispatch.contexts(for: claimed, templates: overrides)
            recent = try await store.dispatch.sentCounts(to: claimed.map(\.to), since: store.clock.now().addingTimeInterval(-3600))
        } catch {
            // Nothing was handed off: letting go of the claims is all there is to undo.
            logger.error("could not read the texts' data; they stay scheduled", metadata: ["count": "\(claimed.count)", "error": "\(error)"])
            try? await store.dispatch.release(claimed.map(\.id), worker: worker)
            return
        }
        // One chain per person (venue and number), oldest first, in the order they were claimed.
        var order: [String] = []
        var byPerson: [String: [Message]] = [:]
        for m in claimed {
            let person = "\(m.venueId):\(m.to)"
            if byPerson[person] == nil { order.append(person) }
            byPerson[person, default: []].append(m)
        }
        var chains = order.map { byPerson[$0]!.sorted { $0.id < $1.id } }
        var records: [(MessageChange, Outcome)] = []
        var letGo: [Int64] = []
        var leasedAt = ContinuousClock.now
        while !chains.isEmpty {
            // Claims still waiting are renewed once half their lease has gone.
            if ContinuousClock.now - leasedAt > .milliseconds(Int(settings.lease * 500)) {
                try? await store.dispatch.renewClaims(chains.flatMap { $0.map(\.id) }, lease: settings.lease, worker: worker)
                leasedAt = .now
            }
            if isStopping {
                letGo += chains.flatMap { $0.map(\.id) }
                break
            }
            // The wave: the next text of each chain that has one to send, up to `concurrency`.
            var wave: [(text: ReadyText, rest: [Message])] = []
            var waiting: [[Message]] = []
            for var chain in chains {
                guard wave.count < settings.concurrency else { waiting.append(chain); continue }
                while !chain.isEmpty {
                    let m = chain.removeFirst()
                    switch decide(m, contexts[m.id], sentRecently: recent[m.to] ?? 0) {
                    case .record(let change, let outcome): records.append((change, outcome))
                    case .ready(let text):
                        wave.append((text, chain))
                        chain = []
                    }
                }
            }
            chains = waiting
            if wave.isEmpty { break }
            // Each text waits for its sender's token before its hand-off, so a handed-off text is
            // never kept waiting. One that can't get one within its claim goes at a later pass.
            var paced: [(text: ReadyText, rest: [Message])] = []
            for item in wave {
                if await rateLimit.wait(for: item.text.sender, deadline: settings.lease / 3) { paced.append(item) } else {
                    letGo += [item.text.message.id] + item.rest.map(\.id)
                }
            }
            let handed: [Int64: Int]
            do {
                handed = try await store.dispatch.handOff(
                    paced.map(\.text.handOff), recording: records.map(\.0), lease: settings.inFlightLease, worker: worker)
                count(records, into: &report)
                records = []
            } catch {
                // Neither the outcomes nor the hand-offs were written: nothing of this wave was
                // sent. The claims lapse; outcomes not written leave their texts `sending` until
                // their lease runs out (`unknown`, then settled), never resent blindly.
                trouble.report("could not record hand-offs; the rest of the batch waits", error: error)
                letGo += paced.flatMap { [$0.text.message.id] + $0.rest.map(\.id) } + chains.flatMap { $0.map(\.id) }
                records = []
                chains = []
                break
            }
            var going: [(text: ReadyText, rest: [Message], attempt: Int)] = []
            for item in paced {
                if let attempt = handed[item.text.message.id] {
                    going.append((item.text, item.rest, attempt))
                } else {
                    // Withdrawn meanwhile, consent gone, sending switched off: it and the person's
                    // later texts wait for the next pass to decide again.
                    letGo += [item.text.message.id] + item.rest.map(\.id)
                }
            }
            let results = await withTaskGroup(of: (Int, MessageChange, Outcome).self) { group in
                for (index, item) in going.enumerated() {
                    group.addTask {
                        let (change, outcome) = await self.call(item.text, attempt: item.attempt)
                        return (index, change, outcome)
                    }
                }
                return await group.reduce(into: [(Int, MessageChange, Outcome)]()) { $0.append($1) }
            }
            for (index, change, outcome) in results.sorted(by: { $0.0 < $1.0 }) {
                records.append((change, outcome))
                let item = going[index]
                if outcome == .sent { recent[item.text.message.to, default: 0] += 1 }
                if outcome == .retried {
                    // Its later texts must not overtake it: they wait until it has gone.
                    letGo += item.rest.map(\.id)
                } else if !item.rest.isEmpty {
                    chains.append(item.rest)
                }
            }
        }
        if !records.isEmpty {
            do {
                // Shutting down, the last outcomes get a short deadline: shutdown is bounded.
                _ = try await store.dispatch.handOff(
                    [], recording: records.map(\.0), lease: settings.inFlightLease, worker: worker,
                    deadline: isStopping ? 2 : StoreDeadlines.call)
                count(records, into: &report)
            } catch {
                // Handed-off texts stay `sending` until their lease runs out: `unknown`, then settled.
                trouble.report("could not record outcomes; their texts settle as unknown", error: error)
                report.unknown += records.count
                // The database is away: letting go of the claims would only wait as long again;
                // they lapse by themselves.
                if StoreUnavailable.classify(error) != nil { return }
            }
        }
        if !letGo.isEmpty { try? await store.dispatch.release(letGo, worker: worker) }
    }
}
