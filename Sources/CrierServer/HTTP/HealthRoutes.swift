import CrierPluginKit
import CrierStore
import Hummingbird
import Prometheus

/// `/health` (the process answers), `/ready` (and its database takes writes), `/metrics` (Prometheus text).
struct HealthRoutes {
    let store: Store
    let registry: PrometheusCollectorRegistry
    let plugins: PluginHost

    func register(on router: DocumentedRoutes) {
        router.get("health", APIOperation(
            "health", "The process answers (a liveness check)", tag: "Operations",
            responses: [.ok(.object(["status": .oneOf(["ok"])], required: ["status"]), "alive")])
        ) { _, _ in
            JSONResponse(["status": "ok"])
        }
        // Ready means the write path works, proven by a write with a short deadline: a database
        // that is down, full, locked or read-only answers 503 within about two seconds.
        router.get("ready", APIOperation(
            "ready", "The database takes writes (a readiness check, answered within about two seconds)", tag: "Operations",
            responses: [.ok(.object(["status": .oneOf(["ready"]), "database": .string()], required: ["status"]), "ready"),
                        APIResponse(503, "not ready, and why", schema: .object(["status": .oneOf(["not ready"]), "reason": .string(), "database": .string()]))])
        ) { _, _ in
            do {
                try await store.engine.probe(deadline: StoreDeadlines.probe)
                return JSONResponse(["status": "ready", "database": .string(store.engine.kind.rawValue)])
            } catch {
                let reason = StoreUnavailable.classify(error)?.reason.rawValue ?? "the database refused a write"
                store.trouble.report("not ready: \(reason)", error: error)
                return JSONResponse(["status": "not ready", "reason": .string(reason), "database": .string(store.engine.kind.rawValue)],
                                    status: .serviceUnavailable)
            }
        }
        let gauges = ScrapeGauges(store: store, plugins: plugins, registry: registry)
        router.get("metrics", APIOperation(
            "metrics", "Prometheus metrics (README, Operations, lists them with alerts)", tag: "Operations",
            responses: [.file("text/plain", "Prometheus text format 0.0.4")])
        ) { _, _ in
            // A database that can't answer leaves those gauges at their last values; the rest still goes out.
            do { try await gauges.refresh() } catch { store.trouble.report("metrics: the database gauges could not be read", error: error) }
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
    }
}
