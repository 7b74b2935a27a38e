import HookcastProtocol

extension EmergencyStateMessage {
    /// The state an emergency command sets for its target.
    public init?(command: Command) {
        guard command.function == .emergency, let state = command.params.state else { return nil }
        self.init(
            scope: command.target, state: state, message: state == .on ? command.params.message : nil,
            commandID: command.id, since: command.issuedAt)
    }
}
