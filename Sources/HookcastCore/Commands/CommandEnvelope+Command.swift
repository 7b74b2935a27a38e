import HookcastProtocol

extension CommandEnvelope {
    /// The device-facing part of `command`; bookkeeping (key, source, publish state) stays on the server.
    public init(command: Command) {
        self.init(
            id: command.id, function: command.function, params: command.params, eventID: command.eventID,
            target: command.target, issuedAt: command.issuedAt, expiresAt: command.expiresAt,
            sensorData: command.sensorData)
    }
}
