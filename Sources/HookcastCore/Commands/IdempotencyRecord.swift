import Foundation
import HookcastProtocol

/// Remembers which command a caller's `Idempotency-Key` produced, so a retried request returns that command
/// instead of triggering a second one. Keys are scoped to the API key that sent them.
public struct IdempotencyRecord: Sendable, Equatable {
    public var apiKeyID: UUID
    public var key: String
    /// A digest of what was asked (event id and sensor data): the same key with a different request is an error.
    public var fingerprint: String
    public var commandID: UUID
    public var createdAt: Date

    /// How long a key is remembered; the promise is "at least 24 hours".
    public static let retention: TimeInterval = 48 * 3600

    public init(apiKeyID: UUID, key: String, fingerprint: String, commandID: UUID, createdAt: Date) {
        self.apiKeyID = apiKeyID
        self.key = key
        self.fingerprint = fingerprint
        self.commandID = commandID
        self.createdAt = createdAt.roundedToMilliseconds
    }
}

/// What an idempotent insert did.
public enum IdempotentInsert: Sendable, Equatable {
    case inserted
    /// The key was used before (within the retention); nothing was inserted.
    case existing(IdempotencyRecord)
}
