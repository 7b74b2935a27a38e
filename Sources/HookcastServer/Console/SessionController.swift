import Foundation
import Hummingbird

/// `/api/v1/session`: the web console signs in with the admin token once and from then on holds a session cookie.
/// Outside the admin group: signing in is how a browser gets past it.
struct SessionController: Sendable {
    let token: AdminToken
    let sessions: ConsoleSessions
    let origins: OriginCheck
    let throttle: SignInThrottle
    let audit: AuditTrail
    /// Whether the gateway is reached over HTTPS (its public URL says so): the cookie is then marked Secure.
    let secureCookie: Bool

    struct SignIn: Decodable {
        let token: String
    }

    /// What the page needs to go on: its CSRF token, and when the session ends.
    struct SessionInfo: ResponseEncodable, Sendable {
        let csrfToken: String
        let expiresAt: Date

        enum CodingKeys: String, CodingKey {
            case csrfToken = "csrf_token"
            case expiresAt = "expires_at"
        }
    }

    func addRoutes(to router: Router<HookcastRequestContext>) {
        router.post("api/v1/session") { request, context -> EditedResponse<SessionInfo> in
            // A sign-in from another site's page would put the victim's browser in the attacker's session.
            guard origins.isSameOrigin(request) else {
                throw APIError(
                    .forbidden, "cross_origin_request", "This request came from another site and was refused.")
            }
            try throttle.check(context.clientAddress)
            let body = try await RequestBody.decode(SignIn.self, from: request, context: context)
            guard token.matches(body.token) else {
                throttle.recordFailure(from: context.clientAddress)
                throw APIError.unauthorized("invalid_admin_token", "The admin token is not valid.")
            }
            let (id, session): (String, ConsoleSessions.Session)
            do {
                (id, session) = try await sessions.start()
            } catch {
                throw APIError.storeUnavailable("The session could not be stored; sign in again in a moment.")
            }
            await audit.session("sign_in", sessionID: id, remoteAddress: context.clientAddress)
            return EditedResponse(
                status: .created,
                headers: [.setCookie: ConsoleCookie.set(id, maxAge: sessions.lifetime, secure: secureCookie)],
                response: SessionInfo(csrfToken: session.csrfToken, expiresAt: session.expiresAt))
        }
        router.get("api/v1/session") { request, _ -> SessionInfo in
            guard let id = ConsoleCookie.sessionID(in: request), let session = await sessions.resolve(id) else {
                throw APIError.unauthorized("no_session", "Not signed in: sign in with the admin token.")
            }
            return SessionInfo(csrfToken: session.csrfToken, expiresAt: session.expiresAt)
        }
        router.delete("api/v1/session") { request, context -> Response in
            if let id = ConsoleCookie.sessionID(in: request), let session = await sessions.resolve(id) {
                try AdminAuthMiddleware<HookcastRequestContext>.checkStateChange(
                    request, session: session, origins: origins)
                // Also ends the session's open event streams (EventStreamController watches the sessions).
                await sessions.end(id)
                await audit.session("sign_out", sessionID: id, remoteAddress: context.clientAddress)
            }
            return Response(status: .noContent, headers: [.setCookie: ConsoleCookie.clear(secure: secureCookie)])
        }
    }
}
