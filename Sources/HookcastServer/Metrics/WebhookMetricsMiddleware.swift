import Hummingbird

/// Counts the webhook endpoint's answers by status. Placed outside the error mapping, so it sees the status the
/// caller saw, errors included.
struct WebhookMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: GatewayMetrics

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard request.uri.path.hasPrefix("/public-api/integration/webhooks") else {
            return try await next(request, context)
        }
        do {
            let response = try await next(request, context)
            metrics.webhookAnswered(status: response.status.code)
            return response
        } catch let error as any HTTPResponseError {
            metrics.webhookAnswered(status: error.status.code)
            throw error
        }
    }
}
