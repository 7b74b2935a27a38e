import Foundation
import HookcastProtocol

/// One device's answer to one command, as the gateway stores it.
public struct AcknowledgementRecord: Sendable, Equatable, Codable {
    public var commandID: UUID
    public var deviceID: DeviceID
    /// One of `DeliveryState.reportable`.
    public var state: DeliveryState
    public var detail: String?
    /// When the device says it acted.
    public var executedAt: Date?
    /// When the gateway received the acknowledgement.
    public var receivedAt: Date

    public init(
        commandID: UUID, deviceID: DeviceID, state: DeliveryState, detail: String?, executedAt: Date?,
        receivedAt: Date
    ) {
        self.commandID = commandID
        self.deviceID = deviceID
        self.state = state
        self.detail = detail
        self.executedAt = executedAt?.roundedToMilliseconds
        self.receivedAt = receivedAt.roundedToMilliseconds
    }
}
