import HookcastCore
import HookcastProtocol
import Logging
import Mosquitto

extension AcknowledgementCollector {
    /// One debug line per acknowledgement read, with the trace id the device echoed (docs/protocol.md), so the
    /// caller's trace finds each device's answer. Debug, not info: a broadcast is answered by every device.
    /// An echoed `traceparent` that is not valid is counted and left out, as on a webhook.
    func logRead(_ record: AcknowledgementRecord, properties: MQTTPublishProperties) {
        var trace: TraceContext?
        if properties.userProperties.contains(where: { $0.name == TraceContext.traceparentName }) {
            do {
                trace = try TraceContext.read(properties)
            } catch {
                metrics.traceContextIgnored(error)
            }
        }
        logger.debug(
            "acknowledgement read",
            metadata: {
                var metadata: Logger.Metadata = [
                    "command_id": "\(record.commandID)", "device": "\(record.deviceID)",
                    "state": "\(record.state.rawValue)",
                ]
                if let trace { metadata["trace_id"] = "\(trace.traceID)" }
                return metadata
            }())
    }
}
