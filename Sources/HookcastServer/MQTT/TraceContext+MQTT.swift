import HookcastProtocol
import Mosquitto

extension TraceContext {
    /// The context a message's MQTT v5 user properties carry (`traceparent`, `tracestate`): nil when it has no
    /// `traceparent`; throws when that is not valid or given twice, which the caller counts and ignores.
    static func read(_ properties: MQTTPublishProperties) throws(TraceContextError) -> TraceContext? {
        try read(pairs: properties.userProperties.map { (name: $0.name, value: $0.value) })
    }

    /// The user properties a command's message carries it in (docs/protocol.md#trace-context).
    var userProperties: [MQTTUserProperty] { pairs.map { MQTTUserProperty($0.name, $0.value) } }
}
