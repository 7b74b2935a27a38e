import Hummingbird

/// Requires `Authorization: Bearer <admin token>` on the admin API.
struct AdminAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: AdminToken

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let header = request.headers[.authorization] else {
            throw APIError.unauthorized(
                "missing_admin_token", "The admin API needs an 'Authorization: Bearer <admin token>' header.")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer", token.matches(String(parts[1])) else {
            throw APIError.unauthorized("invalid_admin_token", "The admin token is not valid.")
        }
        return try await next(request, context)
    }
}
