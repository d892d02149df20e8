import CrierCore
import Testing

/// Every event against every status: the whole table, so no transition is allowed by accident.
struct MessageTransitionTests {
    typealias T = MessageTransition
    static let events: [MessageEvent] = [
        .claim, .handOff, .accepted, .retryableFailure(attemptsLeft: true), .retryableFailure(attemptsLeft: false), .permanentFailure,
        .leaseExpired, .postpone, .settled(found: true), .settled(found: false), .report(.sent), .report(.delivered),
        .report(.undelivered), .report(.failed), .withdraw(.cancelled), .withdraw(.skipped), .withdraw(.suppressed), .withdraw(.sent),
    ]

    /// Expected outcome per status, in the order of `events`.
    static let table: [MessageStatus: [T]] = [
        //           claim       handOff         accepted      retry           retry-last     permanent     lease       postpone          found         notFound           r.sent       r.delivered      r.undelivered      r.failed       w.cancelled        w.skipped        w.suppressed        w.sent
        .scheduled: [.unchanged, .to(.sending), .refused, .refused, .refused, .to(.failed), .unchanged, .to(.scheduled), .refused, .refused, .refused, .refused, .refused, .refused, .to(.cancelled), .to(.skipped), .to(.suppressed), .refused],
        .sending: [.refused, .refused, .to(.sent), .to(.scheduled), .to(.failed), .to(.failed), .to(.unknown), .refused, .refused, .refused, .to(.sent), .to(.delivered), .to(.undelivered), .to(.failed), .unchanged, .unchanged, .unchanged, .refused],
        .sent: [.refused, .refused, .unchanged, .refused, .refused, .refused, .unchanged, .refused, .unchanged, .unchanged, .unchanged, .to(.delivered), .to(.undelivered), .to(.failed), .unchanged, .unchanged, .unchanged, .refused],
        .unknown: [.refused, .refused, .to(.sent), .unchanged, .unchanged, .to(.failed), .unchanged, .refused, .to(.sent), .to(.scheduled), .to(.sent), .to(.delivered), .to(.undelivered), .to(.failed), .unchanged, .unchanged, .unchanged, .refused],
        .delivered: [.refused, .refused, .unchanged, .refused, .refused, .refused, .unchanged, .refused, .unchanged, .unchanged, .unchanged, .unchanged, .unchanged, .unchanged, .unchanged, .unchanged, .unchanged, .refused],
        .undelivered: [.refused, .refused, .unchanged, .refused, .refused, .refused, .unchanged, .refused, .unchanged, .unchanged, .unchanged, .unchanged, .unchanged, .unchanged, .unchanged, .unchanged, .unchanged, .refused],
        .failed: [.refused, .refused, .unchanged, .refused, .refused, .refused, .unchanged, .refused, .unchanged, .unchanged, .unchanged, .unchanged, .unchanged, .unchanged, .unchanged, .unchanged, .unchanged, .refused],
        .cancelled: [.refused, .refused, .refused, .refused, .refused, .refused, .unchanged, .refused, .refused, .refused, .refused, .refused, .refused, .refused, .unchanged, .unchanged, .unchanged, .refused],
        .skipped: [.refused, .refused, .refused, .refused, .refused, .refused, .unchanged, .refused, .refused, .refused, .refused, .refused, .refused, .refused, .unchanged, .unchanged, .unchanged, .refused],
        .suppressed: [.refused, .refused, .refused, .refused, .refused, .refused, .unchanged, .refused, .refused, .refused, .refused, .refused, .refused, .refused, .unchanged, .unchanged, .unchanged, .refused],
        .received: Array(repeating: .refused, count: 18),
    ]

    @Test(arguments: MessageStatus.allCases)
    func everyEventInEveryStatus(status: MessageStatus) throws {
        let expected = try #require(Self.table[status])
        #expect(expected.count == Self.events.count)
        for (event, outcome) in zip(Self.events, expected) {
            #expect(T.apply(event, to: status) == outcome, "\(event) in \(status)")
        }
    }

    @Test func finalStatusesNeverMove() {
        for status in MessageStatus.allCases where status.isFinal {
            for event in Self.events {
                if case .to(let next) = T.apply(event, to: status) { Issue.record("\(status) moved to \(next) on \(event)") }
            }
        }
    }

    @Test func callbacksOnlyMoveForwardAndRepeatHarmlessly() {
        // delivered, then a late "sent" and a duplicate "delivered": nothing changes.
        #expect(T.apply(.report(.sent), to: .delivered) == .unchanged)
        #expect(T.apply(.report(.delivered), to: .delivered) == .unchanged)
        // A callback that beats the send call's return: sending -> delivered, then the return is a no-op.
        #expect(T.apply(.report(.delivered), to: .sending) == .to(.delivered))
        #expect(T.apply(.accepted, to: .delivered) == .unchanged)
    }

    /// The bulk SQL statements take their "from" statuses from here.
    @Test func theStatusesEachBulkStatementMayMatch() {
        #expect(T.sources(of: .claim) == [.scheduled])
        #expect(T.sources(of: .handOff) == [.scheduled])
        #expect(T.sources(of: .leaseExpired) == [.sending])
        #expect(T.sources(of: .withdraw(.cancelled)) == [.scheduled])
    }

    @Test func anUnknownOutcomeIsNeverRetried() {
        var status = MessageStatus.sending
        guard case .to(let next) = T.apply(.leaseExpired, to: status) else { Issue.record("no move"); return }
        status = next
        #expect(status == .unknown)
        #expect(T.apply(.claim, to: status) == .refused)
        #expect(T.apply(.handOff, to: status) == .refused)
        #expect(T.apply(.retryableFailure(attemptsLeft: true), to: status) == .unchanged)
        #expect(T.apply(.report(.delivered), to: status) == .to(.delivered))
    }
}
