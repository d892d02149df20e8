import CrierCore
import CrierPluginKit
import Foundation
import Hummingbird

/// A submitted form (`application/x-www-form-urlencoded`), its CSRF token already checked.
struct WebForm: Sendable {
    /// Each field's first value, as typed.
    let fields: [String: String]

    /// Forms are small; anything bigger is refused before it is read.
    static let maxSize = 64 * 1024

    /// Reads the body and checks its `csrf_token` against `expected` (the session's, or the sign-in
    /// cookie's); a missing or wrong token is a 403 and nothing in the form is acted on.
    static func read(_ request: Request, csrf expected: String?) async throws -> WebForm {
        let buffer = try await request.body.collect(upTo: maxSize)
        let pairs = FormBody.decode(Array(buffer.readableBytesView))
        let fields = Dictionary(pairs, uniquingKeysWith: { first, _ in first })
        guard let expected, !expected.isEmpty, let sent = fields["csrf_token"], ConstantTime.equal(sent, expected) else {
            throw CrierError.forbidden("This form has expired or did not come from Crier. Go back, reload the page and try again.")
        }
        return WebForm(fields: fields)
    }

    /// A field's text, or nil when it is absent; blank stays blank (the domain decides what that means).
    subscript(_ name: String) -> String? { fields[name] }

    /// A field as an optional number: blank is nil; anything else that isn't a whole number is an error.
    func int(_ name: String, errors: inout FieldErrors) -> Int? {
        guard let text = fields[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        guard let value = Int(text) else {
            errors.add(name, "must be a whole number")
            return nil
        }
        return value
    }
}

/// A redirect after a POST (303: the browser follows with a GET, so reloading repeats nothing).
func seeOther(_ location: String) -> Response {
    Response(status: .seeOther, headers: [.location: location])
}

/// `text` made safe as one value in a query string (links to the next page, `?next=`).
func queryValue(_ text: String) -> String {
    text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
}

extension CrierError {
    /// A refusal's per-field messages, for showing next to a form's inputs (nil: not about fields).
    var fieldMessages: FieldErrors? {
        switch self {
        case .invalid(let errors): return errors
        case .conflict(_, _, let fields, _) where !fields.isEmpty:
            var errors = FieldErrors()
            for (field, message) in fields { errors.add(field, message) }
            return errors
        default: return nil
        }
    }

    /// The status of a form shown again with its problems: 409 when it clashed with what exists
    /// (a taken email, a full event), 422 when what was typed is wrong.
    var formStatus: HTTPResponse.Status {
        if case .conflict = self { return .conflict }
        return .unprocessableContent
    }
}
