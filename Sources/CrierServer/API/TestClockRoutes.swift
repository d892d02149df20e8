import CrierCore
import CrierPluginKit
import CrierStore
import Hummingbird

/// `GET|POST /api/v1/test-clock` (only with `crier serve --test-clock`): shows the server's clock,
/// or moves it forward through every moment something falls due on the way, sending each text at its
/// own moment, and returns once everything due by the new time has been dispatched.
struct TestClockRoutes {
    let clock: ManualClock
    let dispatcher: Dispatcher

    func register(on api: DocumentedRoutes) {
        api.get("test-clock", APIOperation(
            "getTestClock", "The server's clock (only with crier serve --test-clock)", tag: "Test clock",
            responses: [.ok(.object(["now": .string(format: "date-time")]), "the clock's time")])
        ) { _, _ in
            JSONResponse(["now": Representation.instant(clock.now())])
        }
        api.post("test-clock", APIOperation(
            "advanceTestClock", "Move the clock forward, sending each text at its own moment on the way", tag: "Test clock",
            body: .json(.object(["now": .string(format: "date-time")], required: ["now"], additional: false), example: ["now": "2026-12-18T18:00:00Z"]),
            responses: [.ok(.object(["now": .string(format: "date-time"), "dispatched": .map(.integer(minimum: 0))]), "moved; what was sent"),
                        .error(409, "clock_backwards: the clock only moves forward")])
        ) { request, _ in
            var body = try await JSONBody.read(request, allowed: ["now"])
            let text = body.string("now") ?? nil
            try body.throwIfInvalid()
            guard let text, let target = EventTime.rfc3339(text) else {
                throw APIError.invalid(FieldErrors("now", "must be an RFC 3339 time with an offset"))
            }
            // Every due moment on the way gets its own pass, in order (DESIGN.md section 8).
            guard let report = try await dispatcher.advance(clock, to: target) else {
                throw CrierError.conflict(code: "clock_backwards", message: "the test clock only moves forward",
                                          fields: ["now": "is before the clock's current time"])
            }
            return JSONResponse(["now": Representation.instant(clock.now()),
                                 "dispatched": ["claimed": .from(report.claimed), "sent": .from(report.sent),
                                                "withdrawn": .from(report.withdrawn), "failed": .from(report.failed),
                                                "retried": .from(report.retried), "postponed": .from(report.postponed),
                                                "unknown": .from(report.unknown), "settled": .from(report.settled)]])
        }
    }
}
