import CrierStore
import Hummingbird
import Prometheus

/// `/health` (the process answers), `/ready` (and its database does), `/metrics` (Prometheus text).
struct HealthRoutes {
    let store: Store
    let registry: PrometheusCollectorRegistry

    func register(on router: Router<CrierRequestContext>) {
        router.get("health") { _, _ in
            JSONResponse(["status": "ok"])
        }
        router.get("ready") { _, _ in
            let ok = await store.isReachable()
            return JSONResponse(["status": ok ? "ready" : "database unreachable",
                                 "database": .string(store.engine.kind.rawValue)],
                                status: ok ? .ok : .serviceUnavailable)
        }
        router.get("metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
    }
}
