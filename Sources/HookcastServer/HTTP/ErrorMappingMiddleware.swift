import Hummingbird
import Logging

/// Turns whatever a route throws into the JSON error body: framework errors (unknown route, body too large, …)
/// get a stable code too, and anything unexpected becomes a 500 whose detail says nothing internal.
struct ErrorMappingMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as HTTPError {
            throw Self.map(error)
        } catch let error as any HTTPResponseError {
            throw APIError(error.status, "http_\(error.status.code)", error.status.reasonPhrase)
        } catch {
            context.logger.error("unexpected error", metadata: ["error": "\(error)"])
            throw APIError(.internalServerError, "internal_error", "The server failed to handle the request.")
        }
    }

    static func map(_ error: HTTPError) -> APIError {
        switch error.status {
        case .notFound:
            return APIError(.notFound, "not_found", "There is nothing at this path.")
        case .methodNotAllowed:
            return APIError(.methodNotAllowed, "method_not_allowed", "This path does not accept that method.")
        case .contentTooLarge:
            return APIError(.contentTooLarge, "body_too_large", "The request body is larger than the server accepts.")
        default:
            return APIError(error.status, "http_\(error.status.code)", error.body ?? error.status.reasonPhrase)
        }
    }
}
