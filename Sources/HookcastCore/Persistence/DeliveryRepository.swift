import Foundation
import HookcastProtocol

/// Acknowledgements and presence reported by devices. Its writes survive the gateway's crash; a power cut may lose
/// the last ones, which the gateway collects again (redelivery asks a device again and the agent answers from its
/// journal; presence is retained on the broker).
public protocol DeliveryRepository: Sendable {
    /// Stores a batch in one transaction; an acknowledgement replaces an earlier one of the same device for the
    /// same command. An answer from a device the command did not expect is not stored: it adds one to the
    /// command's `extraAcknowledgements`. Returns what was not stored.
    func record(_ acknowledgements: [AcknowledgementRecord]) async throws -> AcknowledgementsNotStored
    /// Every stored acknowledgement of a command.
    func acknowledgements(commandID: UUID) async throws -> [AcknowledgementRecord]
    /// How many are stored, without reading them: a waiter on a broadcast to thousands checks this per batch.
    func acknowledgementCount(commandID: UUID) async throws -> Int
    /// How many stored answers of a command are in each state, without reading them: what a webhook's `?wait`
    /// answers with once a broadcast's answers are in.
    func acknowledgementCounts(commandID: UUID) async throws -> [DeliveryState: Int]
    /// The stored acknowledgements of several commands at once, by command (a listing's page).
    func acknowledgements(commandIDs: [UUID]) async throws -> [UUID: [AcknowledgementRecord]]
    /// The newest acknowledgement of each device that has sent one.
    func lastAcknowledgements() async throws -> [DeviceID: AcknowledgementRecord]
    /// Counts one more redelivery of each (command, device) pair, in one transaction.
    func recordRedeliveries(_ redeliveries: [(commandID: UUID, deviceID: DeviceID)], at time: Date) async throws
    /// The redeliveries of a command so far, by device.
    func redeliveries(commandID: UUID) async throws -> [DeviceID: RedeliveryRecord]
    /// Stores a batch of presence changes in one transaction.
    func updatePresence(_ presence: [DevicePresence]) async throws
    func presence() async throws -> [DeviceID: DevicePresence]
    /// How many devices are online, counted by the store without reading any reported state (for `/metrics`).
    func onlineDeviceCount() async throws -> Int
}
