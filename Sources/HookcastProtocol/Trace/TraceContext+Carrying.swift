/// How a trace context travels: as HTTP headers on a webhook, as MQTT v5 user properties on a command and on its
/// acknowledgement, and in the admin API's command body. The names are the same everywhere.
extension TraceContext {
    public static let traceparentName = "traceparent"
    public static let tracestateName = "tracestate"

    /// The context of a carrier that gives every value of each name (HTTP headers, MQTT user properties may repeat):
    /// nil when there is no `traceparent`; several `tracestate` values are one list, joined with commas as the
    /// spec says. Throws when the `traceparent` is not valid or is given more than once.
    public static func read(traceparents: [String], tracestates: [String]) throws(TraceContextError) -> TraceContext? {
        guard let traceparent = traceparents.first else { return nil }
        guard traceparents.count == 1 else { throw .repeated }
        return try TraceContext(
            traceparent: traceparent, tracestate: tracestates.isEmpty ? nil : tracestates.joined(separator: ","))
    }

    /// The same, from name and value pairs in order (MQTT v5 user properties); other names are left alone.
    public static func read(pairs: [(name: String, value: String)]) throws(TraceContextError) -> TraceContext? {
        try read(
            traceparents: pairs.filter { $0.name == traceparentName }.map(\.value),
            tracestates: pairs.filter { $0.name == tracestateName }.map(\.value))
    }

    /// The name and value pairs to send: `traceparent`, then `tracestate` when there is one.
    public var pairs: [(name: String, value: String)] {
        var pairs = [(name: Self.traceparentName, value: traceparent)]
        if let traceState { pairs.append((Self.tracestateName, traceState)) }
        return pairs
    }

    /// At most the length of a version 00 `traceparent`, for a debug log of one that was ignored: a caller's
    /// header can be long, and the log keeps no more of it than a valid one would have.
    public static func shown(_ traceparent: String) -> String {
        var shown = String.UnicodeScalarView()
        for scalar in traceparent.unicodeScalars.prefix(versionZeroLength) {
            shown.append((0x20..<0x7F).contains(scalar.value) ? scalar : "?")
        }
        return String(shown)
    }
}

extension TraceContext: Encodable {
    private enum CodingKeys: String, CodingKey {
        case traceparent, tracestate
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(traceparent, forKey: .traceparent)
        try container.encodeIfPresent(traceState, forKey: .tracestate)
    }
}
