import Foundation

/// One HTTP route a plugin serves. JSON routes live under `/api/v1/plugins/{id}/` behind the API
/// key check; pages under `/plugins/{id}/` behind the staff session, and the host checks the CSRF
/// token of every page POST before the handler runs.
public struct PluginRoute: Sendable {
    public enum Kind: Sendable, Equatable {
        case api
        case page
    }

    public enum Method: String, Sendable, CaseIterable {
        case get = "GET"
        case post = "POST"
        case put = "PUT"
        case patch = "PATCH"
        case delete = "DELETE"
    }

    public var kind: Kind
    public var method: Method
    /// Relative to the plugin's root; `{name}` segments are parameters: `notes/{id}`. Empty is the root.
    public var path: String
    /// Owners and managers only (pages).
    public var managersOnly: Bool
    /// Bodies over this are refused with 413 before the handler runs.
    public var maxBodyBytes: Int
    /// The body goes to temporary files as it arrives, never into memory: a multipart form's file
    /// parts each to one (`PluginRequest.files`, its text fields still in `form`), any other body
    /// to one (`PluginRequest.bodyFile`). The host deletes them when the handler returns.
    public var spoolsBody: Bool
    /// What an API route does, for the API's description; every API route has one.
    public var operation: APIOperation?
    public var handler: @Sendable (PluginRequest) async throws -> PluginResponse

    public init(
        kind: Kind, method: Method, path: String, managersOnly: Bool = false, maxBodyBytes: Int = 64 * 1024, spoolsBody: Bool = false,
        operation: APIOperation? = nil, handler: @escaping @Sendable (PluginRequest) async throws -> PluginResponse
    ) {
        self.kind = kind
        self.method = method
        self.path = path
        self.managersOnly = managersOnly
        self.maxBodyBytes = maxBodyBytes
        self.spoolsBody = spoolsBody
        self.operation = operation
        self.handler = handler
    }

    /// A JSON route and its description: its operation's `{name}` path parameters are the path's.
    public static func api(
        _ method: Method, _ path: String, _ operation: APIOperation, maxBodyBytes: Int = 64 * 1024, spoolsBody: Bool = false,
        _ handler: @escaping @Sendable (PluginRequest) async throws -> PluginResponse
    ) -> PluginRoute {
        PluginRoute(kind: .api, method: method, path: path, maxBodyBytes: maxBodyBytes, spoolsBody: spoolsBody, operation: operation,
                    handler: handler)
    }

    public static func page(
        _ method: Method, _ path: String, managersOnly: Bool = false, maxBodyBytes: Int = 64 * 1024, spoolsBody: Bool = false,
        _ handler: @escaping @Sendable (PluginRequest) async throws -> PluginResponse
    ) -> PluginRoute {
        PluginRoute(kind: .page, method: method, path: path, managersOnly: managersOnly, maxBodyBytes: maxBodyBytes, spoolsBody: spoolsBody,
                    handler: handler)
    }
}

/// A request as a plugin sees it.
public struct PluginRequest: Sendable {
    /// The path's `{name}` parameters.
    public var parameters: [String: String]
    /// The query string's parameters (each name's first value).
    public var query: [String: String]
    public var body: [UInt8]
    public var contentType: String?
    public var caller: PluginCaller
    public var services: PluginServices
    /// For a route that spools its body: the body's file (when it was not a multipart form).
    public var bodyFile: UploadedFile?
    /// For a route that spools its body: each file part of the multipart form, by field name.
    public var files: [String: UploadedFile] = [:]
    /// For a route that spools its body: the multipart form's text fields.
    public var spooledFields: [String: String]?

    public init(
        parameters: [String: String], query: [String: String], body: [UInt8], contentType: String?, caller: PluginCaller,
        services: PluginServices
    ) {
        self.parameters = parameters
        self.query = query
        self.body = body
        self.contentType = contentType
        self.caller = caller
        self.services = services
    }

    /// A path parameter that must be an id: a malformed one is a 404, as for the core's routes.
    public func id(_ name: String, of what: String) throws -> Int64 {
        guard let text = parameters[name], let id = Int64(text), id > 0 else { throw CrierError.notFound(what) }
        return id
    }

    /// `?limit=` for a list: 1 to `PageSize.max`, `PageSize.default` when absent; a 422 otherwise (as the core's lists).
    public func pageLimit() throws -> Int {
        guard let text = query["limit"], !text.isEmpty else { return PageSize.default }
        guard let n = Int(text), (1...PageSize.max).contains(n) else {
            throw CrierError.invalid(FieldErrors("limit", "must be a whole number from 1 to \(PageSize.max)"))
        }
        return n
    }

    /// A query switch such as `?bom=1`: on for 1, true, yes or on.
    public func flag(_ name: String) -> Bool { Self.isOn(query[name]) }

    /// Whether `text` turns a switch on (1, true, yes, on).
    public static func isOn(_ text: String?) -> Bool { ["1", "true", "yes", "on"].contains(text ?? "") }

    /// The body as form fields (`application/x-www-form-urlencoded`, or the text parts of `multipart/form-data`).
    public var form: [String: String] {
        if let spooledFields { return spooledFields }
        if let contentType, let multipart = MultipartForm(contentType: contentType, body: body) {
            return multipart.fields
        }
        return Dictionary(FormBody.decode(body), uniquingKeysWith: { first, _ in first })
    }

    /// The body as JSON: a 422 naming the body when it is not.
    public func json() throws -> JSONValue {
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(body)) else {
            throw CrierError.invalid(FieldErrors("body", "must be JSON"))
        }
        return value
    }
}

/// A file the host received and keeps on disk until the handler returns.
public struct UploadedFile: Sendable, Equatable {
    /// The name the browser gave it (empty for a plain body).
    public var filename: String
    public var path: String
    public var byteCount: Int

    public init(filename: String, path: String, byteCount: Int) {
        self.filename = filename
        self.path = path
        self.byteCount = byteCount
    }

    /// The file's bytes in pieces of `size`, read as they are asked for.
    public func chunks(size: Int = 256 * 1024) -> FileChunks { FileChunks(path: path, size: size) }
}

/// A file read a piece at a time (`UploadedFile.chunks`, or any file on disk).
public struct FileChunks: AsyncSequence, Sendable {
    public let path: String
    public let size: Int

    public init(path: String, size: Int = 256 * 1024) {
        self.path = path
        self.size = size
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let handle: FileHandle?
        let size: Int

        public mutating func next() async throws -> [UInt8]? {
            guard let handle, let data = try handle.read(upToCount: size), !data.isEmpty else {
                try handle?.close()
                return nil
            }
            return Array(data)
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(handle: FileHandle(forReadingAtPath: path), size: size) }
}

/// What a plugin's route answers.
public enum PluginResponse: Sendable {
    /// A JSON document (the API's error shape is the host's: throw `CrierError` for refusals).
    /// Status 204 sends no body (a deletion).
    case json(JSONValue, status: Int = 200)
    /// A page: the host wraps `html` (already escaped by the plugin) in the staff layout.
    case page(title: String, html: String, status: Int = 200)
    /// 303 See Other, after a form POST.
    case redirect(String)
    /// A file streamed as it is written (CSV exports): constant memory, however many rows.
    case download(filename: String, contentType: String, write: @Sendable (any ByteSink) async throws -> Void)
}

/// Where streamed output goes: an HTTP response body, or standard output for the CLI.
public protocol ByteSink: Sendable {
    func write(_ bytes: [UInt8]) async throws
}
