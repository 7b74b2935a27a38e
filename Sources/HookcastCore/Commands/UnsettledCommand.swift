import Foundation

/// What redelivery needs to know of an unsettled command to tell whether it is due: not its body. A broadcast's
/// device list grows with the estate (about 15 bytes per device), and most scans find nothing due, so the scan
/// reads these first and whole commands only for the due ones.
public struct UnsettledCommand: Sendable, Equatable {
    public let id: UUID
    public let issuedAt: Date
    /// False when the command expects no device's answer (its target held no devices when it was issued).
    public let expectsAnswers: Bool

    public init(id: UUID, issuedAt: Date, expectsAnswers: Bool) {
        self.id = id
        self.issuedAt = issuedAt
        self.expectsAnswers = expectsAnswers
    }

    public init(_ command: Command) {
        self.init(id: command.id, issuedAt: command.issuedAt, expectsAnswers: !command.expectedDevices.isEmpty)
    }
}
