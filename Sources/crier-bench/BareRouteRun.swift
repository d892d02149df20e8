import Foundation
import Hummingbird
import Logging

/// The same requests against a route that only reads the body and answers: what HTTP alone
/// costs on this machine (in this process, as the ceiling any server here works under).
struct BareRouteRun {
    let context: WebhookRunContext

    func measure() async throws -> WebhookFigures {
        let router = Router()
        router.post(RouterPath(String(WebhookLoad.path.dropFirst()))) { request, _ -> Response in
            _ = try await request.body.collect(upTo: 64 * 1024)
            return Response(status: .ok, headers: [.contentType: "text/xml"],
                            body: .init(byteBuffer: ByteBuffer(string: #"<?xml version="1.0" encoding="UTF-8"?><Response/>"#)))
        }
        let (ports, ready) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { ready.yield($0.localAddress?.port ?? 0) }, logger: CrierWebhookRun.logger)
        let (wrk, arguments, output) = (context.wrk, context.arguments, context.dir.appendingPathComponent("wrk.txt"))
        return try await withThrowingTaskGroup(of: WebhookFigures?.self) { tasks in
            tasks.addTask {
                try await app.runService()
                return nil
            }
            var iterator = ports.makeAsyncIterator()
            let port = await iterator.next()!
            let result = try await WrkResult.run(wrk, arguments + ["http://127.0.0.1:\(port)" + WebhookLoad.path], output: output)
            tasks.cancelAll()
            return WebhookFigures(target: .bare, engine: "-", wrk: result, stored: nil)
        }
    }
}
