import HTTPTypes
import HookcastProtocol
import Hummingbird
import Logging

extension WebhookRequest {
    /// The caller's W3C trace context from the `traceparent` and `tracestate` headers. One that is not valid is
    /// ignored, as the spec says, never refused: the call is served untraced, and the gateway counts it and logs
    /// why at debug, with no more of the header than a valid one holds.
    static func trace(in request: Request, metrics: GatewayMetrics, logger: Logger) -> TraceContext? {
        let traceparents = request.headers[values: traceparentHeader]
        do {
            return try TraceContext.read(
                traceparents: traceparents, tracestates: request.headers[values: tracestateHeader])
        } catch {
            metrics.traceContextIgnored(error)
            logger.debug(
                "traceparent ignored",
                metadata: [
                    "reason": "\(error.description)",
                    "traceparent": "\(TraceContext.shown(traceparents.first ?? ""))",
                ])
            return nil
        }
    }
}

let traceparentHeader = HTTPField.Name(TraceContext.traceparentName)!
let tracestateHeader = HTTPField.Name(TraceContext.tracestateName)!
