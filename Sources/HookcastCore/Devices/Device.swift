import Foundation
import HookcastProtocol

/// A registered device: something that subscribes to its command topics.
public struct Device: Sendable, Codable, Equatable {
    public var id: DeviceID
    public var name: String
    /// Free-form labels for the admin; not used for routing yet.
    public var tags: [String]
    public var createdAt: Date

    /// `createdAt` is kept to the millisecond, the precision the store keeps.
    public init(id: DeviceID, name: String, tags: [String] = [], createdAt: Date) {
        self.id = id
        self.name = name
        self.tags = tags
        self.createdAt = createdAt.roundedToMilliseconds
    }

    enum CodingKeys: String, CodingKey {
        case id, name, tags
        case createdAt = "created_at"
    }
}
