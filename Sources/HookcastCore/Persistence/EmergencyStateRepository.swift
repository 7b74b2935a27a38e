import HookcastProtocol

/// The latched emergency state of every scope that ever had one, and the holds that keep scopes `on`.
public protocol EmergencyStateRepository: Sendable {
    func all() async throws -> [EmergencyStateMessage]
    /// Replaces the state of each message's scope, all in one transaction.
    func save(_ states: [EmergencyStateMessage]) async throws
    /// Every hold now, oldest first.
    func holds() async throws -> [EmergencyHold]
    /// Removes and adds the change's holds and saves its states, in one transaction.
    func apply(_ change: EmergencyChange) async throws
}
