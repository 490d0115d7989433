import Foundation
import HTTPTypes
import Hummingbird
import PartnerAuth

/// Names the protected resource metadata in every 401 of the resource server (RFC 9728 §5.1), so a
/// client that holds no valid token learns which authorization server to ask and for what `aud`.
struct ResourceChallengeMiddleware<Context: RequestContext>: RouterMiddleware {
    let settings: TokenSettings

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = ProblemMiddleware<Context>.response(for: error, logger: context.logger)
        }
        guard response.status == .unauthorized, let challenge = response.headers[.wwwAuthenticate],
              let metadata = ProtectedResourceMetadata.url(ofResource: settings.audience) else { return response }
        response.headers[.wwwAuthenticate] = challenge + #", resource_metadata="\#(metadata)""#
        return response
    }
}
