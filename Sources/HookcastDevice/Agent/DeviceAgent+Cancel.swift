import Foundation
import HookcastProtocol

extension DeviceAgent {
    /// What a cancelled command is answered with if it arrives after its `cancel_command`.
    static let cancelledOutcome = CommandOutcome(status: .rejected, detail: "cancelled before it ran")

    /// `cancel_command`: a command not run yet is recorded as cancelled, so a later delivery of it is answered
    /// `rejected` and not run; one already handled stays as it was. The cancel itself is answered `ok`, saying
    /// which it was.
    func cancel(_ envelope: CommandEnvelope) -> CommandOutcome {
        guard let text = envelope.params.commandID, let target = UUID(uuidString: text) else {
            let outcome = CommandOutcome.failed("command_id missing or not a command id")
            shared.withLock { $0.seen.record(envelope.id, outcome) }
            return outcome
        }
        return shared.withLock { state -> CommandOutcome in
            let outcome: CommandOutcome
            if let handled = state.seen.outcome(of: target) {
                outcome = CommandOutcome(status: .ok, detail: "already handled: \(handled.status.rawValue)")
            } else {
                state.seen.record(target, Self.cancelledOutcome)
                outcome = CommandOutcome(status: .ok, detail: "cancelled before it ran")
            }
            state.seen.record(envelope.id, outcome)
            return outcome
        }
    }
}
