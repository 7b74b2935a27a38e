import HookcastProtocol

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

    /// What a command is recorded with before it runs, and what it is acknowledged with if the agent dies while
    /// running it: it is not run a second time. A restart that took the agent down with it did what it was asked.
    public static func interrupted(_ function: ActionFunction) -> CommandOutcome {
        function == .restartDevice
            ? CommandOutcome(status: .ok, detail: "restarted; acknowledged after the restart")
            : .failed("interrupted: the agent stopped while running it, and does not run it twice")
    }
}
