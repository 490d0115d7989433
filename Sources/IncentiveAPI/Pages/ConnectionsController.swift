import Foundation
import Hummingbird
import OpenSSLCrypto
import IncentiveStore
import PartnerAuth

/// `/account/connections`: the partners a user granted access, each with a revoke button.
struct ConnectionsController<Context: RequestContext> {
    let partners: PartnerRegistry
    let tokens: TokenService
    let browser: BrowserSession

    func addRoutes(to router: Router<Context>) {
        router.get("account/connections") { request, _ in try await page(request) }
        router.post("account/connections/:grant/revoke") { request, context in
            try await revoke(request, grantID: try context.parameters.require("grant"),
                             source: AuditSource(context))
        }
    }

    private func page(_ request: Request) async throws -> Response {
        guard let (_, session) = try await browser.current(request) else {
            return BrowserSession.redirect(to: "/login?next=%2Faccount%2Fconnections")
        }
        let grants = try await tokens.grants(userID: session.userID).filter { $0.revokedAt == nil }
        var items: [String] = []
        for grant in grants {
            let name = try partners.find(grant.clientId)?.name ?? grant.clientId
            items.append("""
                <li class="grant" data-grant="\(HTMLPage.escape(grant.id))"><strong>\(HTMLPage.escape(name))</strong>
                can read your achievements since \(HTMLPage.escape(grant.createdAt.formatted(date: .abbreviated, time: .shortened))).
                <form method="post" action="/account/connections/\(HTMLPage.escape(grant.id))/revoke">
                \(HTMLPage.hidden([("csrf_token", session.csrfToken)]))
                <button type="submit" class="revoke">Revoke</button></form></li>
                """)
        }
        let list = items.isEmpty ? "<p id=\"none\">No partner can see your achievements.</p>" : "<ul>\(items.joined())</ul>"
        let body = """
            \(list)
            <form method="post" action="/logout">\(HTMLPage.hidden([("csrf_token", session.csrfToken)]))<button type="submit">Sign out</button></form>
            """
        return HTMLPage(title: "Your connections", body: body).response()
    }

    private func revoke(_ request: Request, grantID: String, source: AuditSource) async throws -> Response {
        guard let (_, session) = try await browser.current(request) else {
            return HTMLPage.error("Revoke", "Please sign in again.", status: .unauthorized)
        }
        let form = try? await FormBody.parse(request)
        guard let posted = form?["csrf_token"], ConstantTime.equals(Array(posted.utf8), Array(session.csrfToken.utf8)) else {
            return HTMLPage.error("Revoke", "The form expired or did not come from this site.", status: .forbidden)
        }
        do {
            try await tokens.revokeGrant(id: grantID, userID: session.userID, source: source, detail: ["by": "user"])
            ServiceMetrics.grantRevoked(by: "user")
        } catch StoreError.notFound {
            return HTMLPage.error("Revoke", "No such connection.", status: .notFound)
        }
        return BrowserSession.redirect(to: "/account/connections")
    }
}
