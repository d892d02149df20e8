import CrierCore
import Foundation
import Hummingbird

/// An API failure as the client sees it:
/// `{"error": {"code": "...", "message": "...", "fields": {...}}}` with a 4xx (or 500) status.
public struct APIError: HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var fields: [String: String]
    public var details: JSONValue?
    /// Seconds after which the client may try again (503, 429).
    public var retryAfter: Int?

    public init(_ status: HTTPResponse.Status, code: String, message: String, fields: [String: String] = [:], details: JSONValue? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields
        self.details = details
    }

    static func unauthorized(_ message: String) -> APIError {
        APIError(.unauthorized, code: "unauthorized", message: message)
    }

    static func invalid(_ fields: FieldErrors) -> APIError {
        APIError(.unprocessableContent, code: "validation_failed", message: "some fields are not valid", fields: fields.fields)
    }

    static func badRequest(_ message: String, code: String = "bad_request") -> APIError {
        APIError(.badRequest, code: code, message: message)
    }

    /// Maps a domain refusal to its one HTTP status.
    init(_ error: CrierError) {
        switch error {
        case .invalid(let fields): self = .invalid(fields)
        case .notFound(let what): self.init(.notFound, code: "not_found", message: "\(what) not found")
        case .conflict(let code, let message, let fields, let details):
            self.init(.conflict, code: code, message: message, fields: fields, details: details)
        case .forbidden(let message): self.init(.forbidden, code: "forbidden", message: message)
        }
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var body: [String: JSONValue] = ["code": .string(code), "message": .string(message)]
        if !fields.isEmpty { body["fields"] = .object(fields.mapValues(JSONValue.string)) }
        if let details { body["details"] = details }
        var response = try JSONResponse(["error": .object(body)], status: status).response(from: request, context: context)
        if status == .unauthorized { response.headers[.wwwAuthenticate] = "Bearer realm=\"crier\"" }
        if let retryAfter { response.headers[.retryAfter] = String(retryAfter) }
        return response
    }
}

/// A JSON value sent as the response body.
public struct JSONResponse: ResponseGenerator, Sendable {
    let value: JSONValue
    let status: HTTPResponse.Status
    let headers: HTTPFields

    public init(_ value: JSONValue, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) {
        self.value = value
        self.status = status
        self.headers = headers
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(value)
        data.append(0x0A)
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
