import CrierPluginKit
import Foundation
import Hummingbird

/// A request body written to temporary files as it arrives, for plugin routes that take uploads
/// (`PluginRoute.spoolsBody`): a multipart form's file parts each to a file and its text fields
/// kept (small), any other body to one file. Memory holds one chunk at a time; over `limit` bytes
/// is a 413 before the rest is read. `remove()` deletes the files.
struct BodySpool: Sendable {
    let directory: URL
    var bodyFile: UploadedFile?
    var files: [String: UploadedFile] = [:]
    var fields: [String: String]?

    /// The longest text field kept from a multipart form (a CSRF token, a choice).
    static let maxFieldBytes = 64 * 1024

    static func receive(_ request: Request, limit: Int) async throws -> BodySpool {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("crier-upload-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var spool = BodySpool(directory: directory)
        do {
            try await spool.read(request, limit: limit)
            return spool
        } catch {
            spool.remove()
            throw error
        }
    }

    private mutating func read(_ request: Request, limit: Int) async throws {
        var total = 0
        if let contentType = request.headers[.contentType], var parser = MultipartStream(contentType: contentType) {
            var fields: [String: String] = [:]
            var current: (name: String, filename: String?, handle: FileHandle?, path: String, bytes: [UInt8], count: Int)?
            for try await buffer in request.body {
                total += buffer.readableBytes
                if total > limit { throw HTTPError(.contentTooLarge) }
                let events: [MultipartStream.Event]
                do { events = try parser.feed(buffer.readableBytesView) } catch { throw HTTPError(.badRequest, message: error.reason) }
                for event in events {
                    switch event {
                    case .part(let name, let filename):
                        var handle: FileHandle?
                        let path = directory.appendingPathComponent("part-\(files.count + fields.count)").path
                        if filename != nil, files[name] == nil {
                            _ = FileManager.default.createFile(atPath: path, contents: nil)
                            handle = FileHandle(forWritingAtPath: path)
                        }
                        current = (name, filename, handle, path, [], 0)
                    case .content(let bytes):
                        guard var part = current else { continue }
                        part.count += bytes.count
                        if let handle = part.handle {
                            try handle.write(contentsOf: bytes)
                        } else if part.filename == nil {
                            if part.count > Self.maxFieldBytes { throw HTTPError(.contentTooLarge) }
                            part.bytes += bytes
                        }
                        current = part
                    case .partEnd:
                        guard let part = current else { continue }
                        if let handle = part.handle {
                            try handle.close()
                            files[part.name] = UploadedFile(filename: part.filename ?? "", path: part.path, byteCount: part.count)
                        } else if part.filename == nil, fields[part.name] == nil {
                            fields[part.name] = String(decoding: part.bytes, as: UTF8.self)
                        }
                        current = nil
                    }
                }
            }
            do { try parser.finish() } catch { throw HTTPError(.badRequest, message: error.reason) }
            self.fields = fields
        } else {
            let path = directory.appendingPathComponent("body").path
            _ = FileManager.default.createFile(atPath: path, contents: nil)
            guard let handle = FileHandle(forWritingAtPath: path) else { throw HTTPError(.internalServerError) }
            defer { try? handle.close() }
            for try await buffer in request.body {
                total += buffer.readableBytes
                if total > limit { throw HTTPError(.contentTooLarge) }
                try handle.write(contentsOf: Data(buffer.readableBytesView))
            }
            bodyFile = UploadedFile(filename: "", path: path, byteCount: total)
        }
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}
