import CrierPluginKit
import Hummingbird

/// A file streamed to the browser as it is written (CSV downloads: plugins', the audit log's):
/// saved under `filename` (letters, digits, `-_.` kept), never cached.
enum Download {
    static func response(filename: String, contentType: String, write: @escaping @Sendable (any ByteSink) async throws -> Void) -> Response {
        let safeName = filename.filter { $0.isLetter || $0.isNumber || "-_.".contains($0) }
        return Response(
            status: .ok,
            headers: [.contentType: contentType, .contentDisposition: "attachment; filename=\"\(safeName)\"", .cacheControl: "no-store"],
            body: ResponseBody { writer in
                let sink = ResponseSink(writer: writer)
                try await write(sink)
                try await sink.flush()
                writer = sink.writer
                try await writer.finish(nil)
            })
    }
}

/// A streamed response body as a `ByteSink`: writes go out in chunks of about 64 KB, each
/// awaiting the connection, so a slow client slows the export instead of filling memory.
final class ResponseSink: ByteSink, @unchecked Sendable {
    // Used only from the response body's own task, one write at a time.
    var writer: any ResponseBodyWriter
    var pending: [UInt8] = []
    static let chunk = 64 * 1024

    init(writer: any ResponseBodyWriter) {
        self.writer = writer
        pending.reserveCapacity(Self.chunk)
    }

    func write(_ bytes: [UInt8]) async throws {
        pending += bytes
        if pending.count >= Self.chunk { try await flush() }
    }

    func flush() async throws {
        guard !pending.isEmpty else { return }
        try await writer.write(ByteBuffer(bytes: pending))
        pending.removeAll(keepingCapacity: true)
    }
}
