import HookcastCore

/// The status and detail a command is acknowledged with.
public struct CommandOutcome: Codable, Sendable, Equatable {
    public var status: AcknowledgementStatus
    public var detail: String?

    public init(status: AcknowledgementStatus, detail: String? = nil) {
        self.status = status
        self.detail = detail
    }

    public static let ok = CommandOutcome(status: .ok)

    public static func failed(_ detail: String) -> CommandOutcome { CommandOutcome(status: .failed, detail: detail) }
}
