import HookcastProtocol

extension Command {
    /// A command's trace context as the store read it back. It was valid when written; one that no longer parses
    /// is dropped rather than made an error: a trace is advice, and must never keep a command from its devices.
    public static func storedTrace(traceparent: String?, tracestate: String?) -> TraceContext? {
        guard let traceparent else { return nil }
        return try? TraceContext(traceparent: traceparent, tracestate: tracestate)
    }
}
