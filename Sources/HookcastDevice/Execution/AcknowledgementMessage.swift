import Foundation
import HookcastProtocol
import Mosquitto

/// The acknowledgement a device publishes for a command, as the reference agent and the fleet simulator both send
/// it: on the device's ack topic, echoing the command's correlation data (or its id when the command carried none).
struct AcknowledgementMessage {
    let topic: String
    let payload: [UInt8]
    let properties: MQTTPublishProperties

    init(
        commandID: UUID, deviceID: DeviceID, outcome: CommandOutcome, correlationData: [UInt8]?, topics: Topics,
        now: Date = Date()
    ) {
        topic = topics.deviceAcks(deviceID)
        payload = Acknowledgement(
            commandID: commandID, deviceID: deviceID, status: outcome.status, detail: outcome.detail, executedAt: now
        ).encoded()
        properties = MQTTPublishProperties(
            correlationData: correlationData ?? Array(commandID.lowercasedString.utf8),
            contentType: "application/json")
    }
}
