import Foundation
import HookcastProtocol

/// An integration or observer account on the broker, as the store keeps it (docs/integrations.md, "MQTT
/// accounts"). Its password is shown once when made; only its SHA-256 (`credential`) is kept, which is what the
/// broker plugin checks a login against.
public struct MQTTAccount: Sendable, Equatable {
    public enum Role: Sendable, Equatable {
        /// Bound to an API key: its triggers count as that key's, with its events, expiry and rate limit.
        case integration(keyID: UUID)
        /// Read-only. `groups` nil: the whole fleet; a list: those groups' devices (an empty list, left when
        /// every group of it was deleted, sees nothing).
        case observer(groups: [GroupID]?, includeCommands: Bool)
    }

    public var name: MQTTAccountName
    public var role: Role
    public var description: String?
    public var createdAt: Date
    /// SHA-256 of the password, 64 lowercase hex digits.
    public var credential: String

    public init(name: MQTTAccountName, role: Role, description: String?, createdAt: Date, credential: String) {
        self.name = name
        self.role = role
        self.description = description
        self.createdAt = createdAt.roundedToMilliseconds
        self.credential = credential
    }

    public var kind: BrokerClientAccount.Kind {
        switch role {
        case .integration: .integration
        case .observer: .observer
        }
    }

    /// The broker user name: `integration.<name>` or `observer.<name>`.
    public var username: String { BrokerClientAccount.username(kind: kind, name: name) }

    /// The account as the broker plugin keeps it.
    public var brokerAccount: BrokerClientAccount {
        switch role {
        case .integration:
            BrokerClientAccount(name: name, credential: credential, role: .integration)
        case .observer(let groups, let includeCommands):
            BrokerClientAccount(
                name: name, credential: credential, role: .observer(groups: groups, includeCommands: includeCommands))
        }
    }

    public var keyID: UUID? {
        guard case .integration(let keyID) = role else { return nil }
        return keyID
    }
}
