import CrierCore
import CrierStore
import Hummingbird
import NIOCore

/// Per-request state: who is calling (filled in by the API key check) on top of Hummingbird's own.
public struct CrierRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The API key that authenticated the request, once `APIKeyAuthenticator` has run.
    public var apiKey: APIKey?
    /// The venue that key belongs to (or the signed-in staff member's): every query is scoped by it.
    public var venue: Venue?
    /// The staff member signed in to the web form, from the session cookie.
    public var staff: StaffSession?
    /// That session's cookie token (for logout and switching venue).
    var sessionToken: String?
    /// The connection's peer (nil in tests that run without a socket).
    var peer: SocketAddress?
    /// The connection, to stop reading a body that is too large (`OversizedBodies`).
    var channel: (any Channel)?

    public init(source: Source) {
        coreContext = .init(source: source)
        peer = source.channel.remoteAddress
        channel = source.channel
    }

    /// The authenticated venue; the API routes sit behind the authenticator, so a missing one is a bug.
    func requireVenue() throws -> Venue {
        guard let venue else { throw APIError.unauthorized("missing API key") }
        return venue
    }

    /// Who to record in the journal for this request.
    var actor: Actor { apiKey.map { .apiKey($0.id) } ?? staff.map { .staff($0.userId) } ?? .system }
}
