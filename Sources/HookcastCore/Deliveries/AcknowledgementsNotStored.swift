import Foundation
import HookcastProtocol

/// The acknowledgements of a batch that `DeliveryRepository.record` did not store, by why.
public struct AcknowledgementsNotStored: Sendable, Equatable {
    /// Their command does not exist.
    public var unknownCommand: [AcknowledgementRecord]
    /// From a device the command did not expect; counted on the command as extra.
    public var notExpected: [AcknowledgementRecord]

    public init(unknownCommand: [AcknowledgementRecord] = [], notExpected: [AcknowledgementRecord] = []) {
        self.unknownCommand = unknownCommand
        self.notExpected = notExpected
    }

    public var isEmpty: Bool { unknownCommand.isEmpty && notExpected.isEmpty }

    /// The acknowledgements of `batch` that were stored: whether one is stored depends only on its command and
    /// device, so the pairs left out say which.
    public func stored(of batch: [AcknowledgementRecord]) -> [AcknowledgementRecord] {
        guard !isEmpty else { return batch }
        let left = Set((unknownCommand + notExpected).map { Pair(commandID: $0.commandID, deviceID: $0.deviceID) })
        return batch.filter { !left.contains(Pair(commandID: $0.commandID, deviceID: $0.deviceID)) }
    }

    private struct Pair: Hashable {
        let commandID: UUID
        let deviceID: DeviceID
    }
}
