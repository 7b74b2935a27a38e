import HookcastProtocol

extension GatewayMetrics {
    /// A `traceparent` ignored as the W3C spec says (the call is served without it), by why: a caller whose
    /// tracing seems to stop at Hookcast finds the reason here. Labels are the fixed words of `TraceContextError`.
    func traceContextIgnored(_ reason: TraceContextError) {
        counter("hookcast_trace_contexts_ignored_total", ("reason", reason.rawValue)).increment()
    }
}
