import Foundation
import HookcastProtocol

/// How often the gateway sent a command again to one device because no acknowledgement came, and when last.
public struct RedeliveryRecord: Sendable, Equatable {
    public var attempts: Int
    public var lastSentAt: Date

    public init(attempts: Int, lastSentAt: Date) {
        self.attempts = attempts
        self.lastSentAt = lastSentAt.roundedToMilliseconds
    }
}
