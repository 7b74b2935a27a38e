import Hummingbird
import Synchronization

/// A cap on requests being handled at once across the whole server. Past it the answer is an immediate 503 with
/// `Retry-After`, instead of a queue that grows until memory or latency gives out. Health checks pass anyway:
/// an overloaded gateway is still alive.
struct ConcurrencyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let limit: Int
    private let inFlight = Counter()

    init(limit: Int) {
        self.limit = limit
    }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if request.uri.path == "/healthz" || request.uri.path == "/readyz" { return try await next(request, context) }
        guard inFlight.enter(limit: limit) else {
            throw APIError(
                .serviceUnavailable, "overloaded",
                "The gateway is handling \(limit) requests already; try again in a moment.",
                headers: [.retryAfter: "1"])
        }
        defer { inFlight.leave() }
        return try await next(request, context)
    }

    private final class Counter: Sendable {
        private let value = Atomic<Int>(0)

        func enter(limit: Int) -> Bool {
            if value.wrappingAdd(1, ordering: .relaxed).newValue <= limit { return true }
            value.wrappingSubtract(1, ordering: .relaxed)
            return false
        }

        func leave() { value.wrappingSubtract(1, ordering: .relaxed) }
    }
}
