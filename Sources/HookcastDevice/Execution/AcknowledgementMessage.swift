import Foundation
import HookcastProtocol
import Mosquitto

/// The acknowledgement a device publishes for a command, as the reference agent and the fleet simulator both send
/// it: on the device's ack topic, echoing the command's correlation data (or its id when the command carried none)
/// and its trace context user properties, unchanged (docs/protocol.md).
struct AcknowledgementMessage {
    let topic: String
    let payload: [UInt8]
    let properties: MQTTPublishProperties

    init(
        commandID: UUID, deviceID: DeviceID, outcome: CommandOutcome, correlationData: [UInt8]?, topics: Topics,
        echoing echoed: [MQTTUserProperty] = [], now: Date = Date()
    ) {
        topic = topics.deviceAcks(deviceID)
        payload = Acknowledgement(
            commandID: commandID, deviceID: deviceID, status: outcome.status, detail: outcome.detail, executedAt: now
        ).encoded()
        properties = MQTTPublishProperties(
            correlationData: correlationData ?? Array(commandID.lowercasedString.utf8),
            contentType: "application/json", userProperties: echoed)
    }

    /// What of a command message's user properties its acknowledgement echoes: `traceparent` and `tracestate`, as
    /// given and in order. The agent does not judge them; the gateway reads them as it reads a webhook's headers.
    static func echoed(from command: MQTTMessage) -> [MQTTUserProperty] {
        command.properties.userProperties.filter {
            $0.name == TraceContext.traceparentName || $0.name == TraceContext.tracestateName
        }
    }
}
