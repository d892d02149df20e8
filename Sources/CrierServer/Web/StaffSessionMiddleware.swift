import CrierCore
import CrierStore
import Foundation
import Hummingbird

/// Finds the signed-in staff member from the session cookie and puts them, their venue and
/// role on the context. Pages that need someone signed in send everyone else to `/login`.
struct StaffSessionMiddleware: RouterMiddleware {
    typealias Context = CrierRequestContext
    let store: Store
    /// Paths anyone may open: signing in, first-run setup, invitation links, the stylesheet.
    static func isPublic(_ path: String) -> Bool {
        path == "/login" || path.hasPrefix("/setup/") || path.hasPrefix("/invite/") || path.hasPrefix("/static/")
    }

    static let cookie = "crier_session"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let token = request.cookies[Self.cookie]?.value, let session = try await store.sessions.current(token: token),
           let venue = try await store.venues.byID(session.venueId) {
            context.staff = session
            context.sessionToken = token
            context.venue = venue
        }
        let path = request.uri.path
        guard context.staff != nil || Self.isPublic(path) else {
            // Come back here after signing in (GET pages only: a form's POST can't be replayed).
            let next = request.method == .get ? "?next=" + queryValue(request.uri.description) : ""
            return seeOther("/login" + next)
        }
        return try await next(request, context)
    }
}
