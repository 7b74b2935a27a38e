import HookcastProtocol

/// The latched emergency state of every scope that ever had one.
public protocol EmergencyStateRepository: Sendable {
    func all() async throws -> [EmergencyStateMessage]
    /// Replaces the state of each message's scope, all in one transaction.
    func save(_ states: [EmergencyStateMessage]) async throws
}
