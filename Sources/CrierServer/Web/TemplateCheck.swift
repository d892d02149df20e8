import CrierPluginKit
import Hummingbird

/// Tests' guard on the staff pages: every name a template looks up must be its own view's (or the
/// layout's `chrome`). A page that reaches outside its view is answered with a 500 listing what it
/// asked for, so the test that loaded it fails and says where.
struct TemplateCheck<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let (response, problems) = try await TemplateLookups.checking { try await next(request, context) }
        guard !problems.isEmpty else { return response }
        return Response(status: .internalServerError, headers: [.contentType: "text/plain; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: "template lookups outside their view:\n" + problems.joined(separator: "\n"))))
    }
}
