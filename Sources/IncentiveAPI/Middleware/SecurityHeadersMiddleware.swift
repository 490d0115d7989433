import HTTPTypes
import Hummingbird

/// Adds HSTS and `X-Content-Type-Options: nosniff` to every response, errors included.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Short with the development certificate, so a browser does not pin HTTPS on localhost for a year.
    let strictTransportSecurity: String

    init(usesDevelopmentCertificate: Bool) {
        strictTransportSecurity = usesDevelopmentCertificate ? "max-age=300" : "max-age=31536000; includeSubDomains"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        response.headers[.strictTransportSecurity] = strictTransportSecurity
        response.headers[.xContentTypeOptions] = "nosniff"
        return response
    }
}

extension HTTPField.Name {
    static let xContentTypeOptions = Self("X-Content-Type-Options")!
    static let pragma = Self("Pragma")!
}
