import CrierCore
import Foundation
import Hummingbird

/// A request's JSON object, read strictly: malformed JSON is a 400, unknown fields and wrong
/// types are 422 field errors. Keeps "absent" apart from "null", which PATCH needs.
struct JSONBody: Sendable {
    /// Largest body accepted (a customer with long notes is a few KiB).
    static let maxSize = 64 * 1024

    let object: [String: JSONValue]
    var errors = FieldErrors()

    /// Reads the body; `allowed` lists the fields this route knows.
    /// - Parameter emptyAllowed: an empty body reads as `{}` (for actions whose fields are all optional).
    static func read(_ request: Request, allowed: Set<String>, emptyAllowed: Bool = false) async throws -> JSONBody {
        // The API speaks only JSON, so the body is read as JSON whatever the Content-Type says
        // (curl -d sends form-encoded); the header only sharpens the error when it isn't JSON.
        let declared = request.headers[.contentType]?.lowercased()
        let hint = declared.map { $0.hasPrefix("application/json") ? "" : " (sent as \($0); send application/json)" } ?? ""
        let buffer = try await request.body.collect(upTo: maxSize)
        let data = Data(buffer: buffer)
        if data.isEmpty, emptyAllowed { return JSONBody(object: [:]) }
        guard !data.isEmpty else { throw APIError.badRequest("the body must be a JSON object" + hint, code: "malformed_json") }
        let value: JSONValue
        do { value = try JSONDecoder().decode(JSONValue.self, from: data) } catch {
            throw APIError.badRequest("the body is not valid JSON" + hint, code: "malformed_json")
        }
        guard case .object(let object) = value else {
            throw APIError.badRequest("the body must be a JSON object, not \(value.typeName)", code: "malformed_json")
        }
        var body = JSONBody(object: object)
        for key in object.keys where !allowed.contains(key) {
            body.errors.add(key, "is not a field here (known: \(allowed.sorted().joined(separator: ", ")))")
        }
        return body
    }

    func has(_ key: String) -> Bool { object[key] != nil }

    /// A string field: nil when absent, `.some(nil)` when null.
    mutating func string(_ key: String) -> String?? {
        switch object[key] {
        case nil: return nil
        case .null: return .some(nil)
        case .string(let s): return .some(s)
        case let other?:
            errors.add(key, "must be a string, not \(other.typeName)")
            return nil
        }
    }

    /// A whole-number field: nil when absent, `.some(nil)` when null.
    mutating func int(_ key: String) -> Int?? {
        switch object[key] {
        case nil: return nil
        case .null: return .some(nil)
        case .number(let n):
            guard n.rounded() == n, abs(n) <= 1e12 else {
                errors.add(key, "must be a whole number")
                return nil
            }
            return .some(Int(n))
        case let other?:
            errors.add(key, "must be a number, not \(other.typeName)")
            return nil
        }
    }

    /// A boolean field: nil when absent or null (null is reported as an error).
    mutating func bool(_ key: String) -> Bool? {
        switch object[key] {
        case nil: return nil
        case .bool(let b): return b
        case let other?:
            errors.add(key, "must be true or false, not \(other.typeName)")
            return nil
        }
    }

    /// A sub-object field: nil when absent, `.some(nil)` when null.
    mutating func object(_ key: String) -> [String: JSONValue]?? {
        switch object[key] {
        case nil: return nil
        case .null: return .some(nil)
        case .object(let o): return .some(o)
        case let other?:
            errors.add(key, "must be an object, not \(other.typeName)")
            return nil
        }
    }

    /// Throws the collected type errors (422) before any domain validation runs.
    func throwIfInvalid() throws {
        if !errors.isEmpty { throw APIError.invalid(errors) }
    }
}

extension Request {
    /// A query parameter parsed as an integer within `range`; a bad value is a 422 on that name.
    func queryInt(_ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = uri.queryParameters.get(name) else { return value }
        guard let n = Int(text), range.contains(n) else {
            throw APIError.invalid(FieldErrors(name, "must be a whole number from \(range.lowerBound) to \(range.upperBound)"))
        }
        return n
    }

    /// A query parameter that must be an id.
    func queryID(_ name: String) throws -> Int64? {
        guard let text = uri.queryParameters.get(name), !text.isEmpty else { return nil }
        guard let id = Int64(text), id > 0 else { throw APIError.invalid(FieldErrors(name, "must be an id")) }
        return id
    }

    /// A query parameter restricted to the raw values of `T`.
    func queryEnum<T: RawRepresentable & CaseIterable>(_ name: String, as: T.Type) throws -> T? where T.RawValue == String {
        guard let text = uri.queryParameters.get(name), !text.isEmpty else { return nil }
        guard let value = T(rawValue: text) else {
            throw APIError.invalid(FieldErrors(name, "must be one of " + T.allCases.map(\.rawValue).joined(separator: ", ")))
        }
        return value
    }

    /// `?limit=` for lists: 1...200, default 50.
    func pageLimit() throws -> Int { try queryInt("limit", default: 50, range: 1...200) }
}

extension CrierRequestContext {
    /// A path id; one that is not a positive integer cannot exist, so it is a 404 for `what`.
    func pathID(_ name: String = "id", _ what: String) throws -> Int64 {
        guard let id = parameters.get(name, as: Int64.self), id > 0 else { throw CrierError.notFound(what) }
        return id
    }
}
