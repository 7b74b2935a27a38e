import Foundation
import HTTPTypes
import Hummingbird

/// Guards the admin API. Scripts and the CLI send `Authorization: Bearer <admin token>`; the web console sends
/// its session cookie instead, and for every state-changing call also its CSRF token in `X-CSRF-Token` from its
/// own origin. A bearer token is never sent by a browser on its own, so it needs neither. Wrong tokens are counted
/// per client address (`throttle`); past its allowance an address is answered 429 without a comparison.
struct AdminAuthMiddleware<Context: ClientAddressContext>: RouterMiddleware {
    let token: AdminToken
    let sessions: ConsoleSessions
    let origins: OriginCheck
    let throttle: SignInThrottle

    static var csrfHeader: HTTPField.Name { HTTPField.Name("x-csrf-token")! }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if let header = request.headers[.authorization] {
            try throttle.check(context.clientAddress)
            let parts = header.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer", token.matches(String(parts[1])) else {
                throttle.recordFailure(from: context.clientAddress)
                throw APIError.unauthorized("invalid_admin_token", "The admin token is not valid.")
            }
            let caller = AdminCaller(actor: .adminToken, remoteAddress: context.clientAddress)
            return try await AdminCaller.$current.withValue(caller) { try await next(request, context) }
        }
        guard let sessionID = ConsoleCookie.sessionID(in: request) else {
            throw APIError.unauthorized(
                "missing_admin_token", "The admin API needs an 'Authorization: Bearer <admin token>' header.")
        }
        guard let session = await sessions.resolve(sessionID) else {
            throw APIError.unauthorized("session_expired", "Your console session has ended; sign in again.")
        }
        if !Self.isSafe(request.method) {
            try Self.checkStateChange(request, session: session, origins: origins)
        }
        let caller = AdminCaller.console(
            digest: ConsoleSessions.digest(sessionID), remoteAddress: context.clientAddress)
        return try await AdminCaller.$current.withValue(caller) { try await next(request, context) }
    }

    static func isSafe(_ method: HTTPRequest.Method) -> Bool {
        method == .get || method == .head || method == .options
    }

    /// Refuses a state-changing call that comes from another origin or lacks the session's CSRF token.
    static func checkStateChange(
        _ request: Request, session: ConsoleSessions.Session, origins: OriginCheck
    ) throws {
        guard origins.isSameOrigin(request) else {
            throw APIError(
                .forbidden, "cross_origin_request", "This request came from another site and was refused.")
        }
        guard let presented = request.headers[csrfHeader],
            ConsoleSessions.tokensMatch(presented, session.csrfToken)
        else {
            throw APIError(
                .forbidden, "csrf_token_invalid",
                "A console request that changes something needs the session's X-CSRF-Token header.")
        }
    }
}
