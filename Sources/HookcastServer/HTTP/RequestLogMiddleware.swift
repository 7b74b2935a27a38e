import Hummingbird
import Logging

/// One log line per request: method, path with secrets redacted, status and time taken.
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let started = ContinuousClock.now
        let uri = LoggedURI.redacted(path: request.uri.path, query: request.uri.query)
        do {
            let response = try await next(request, context)
            log(context, request, uri, status: response.status.code, started: started)
            return response
        } catch let error as any HTTPResponseError {
            log(context, request, uri, status: error.status.code, started: started)
            throw error
        }
    }

    private func log(
        _ context: Context, _ request: Request, _ uri: String, status: Int, started: ContinuousClock.Instant
    ) {
        let elapsed = ContinuousClock.now - started
        let milliseconds = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
        context.logger.info(
            "\(request.method) \(uri) \(status)",
            metadata: ["duration_ms": "\((milliseconds * 10).rounded() / 10)"])
    }
}

/// A request URI as it may appear in logs.
enum LoggedURI {
    /// The query parameters that can carry a key are replaced, whatever their case.
    static func redacted(path: String, query: String?) -> String {
        guard let query, !query.isEmpty else { return path }
        let parts = query.split(separator: "&", omittingEmptySubsequences: false).map { part -> String in
            let name = part.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
            return secretParameters.contains(name.lowercased()) ? "\(name)=REDACTED" : String(part)
        }
        return path + "?" + parts.joined(separator: "&")
    }

    static let secretParameters: Set<String> = ["apikey", "api_key", "key", "token"]
}
