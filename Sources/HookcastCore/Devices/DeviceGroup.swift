import Foundation
import HookcastProtocol

/// A named set of devices addressed together. A device may belong to several groups.
public struct DeviceGroup: Sendable, Codable, Equatable {
    public var id: GroupID
    public var name: String
    /// Sorted and without duplicates; every member must be a registered device when the group is stored.
    public var members: [DeviceID] {
        didSet { members = Self.normalized(members) }
    }
    public var createdAt: Date

    /// `members` are sorted and de-duplicated; `createdAt` is kept to the millisecond.
    public init(id: GroupID, name: String, members: [DeviceID] = [], createdAt: Date) {
        self.id = id
        self.name = name
        self.members = Self.normalized(members)
        self.createdAt = createdAt.roundedToMilliseconds
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try container.decode(GroupID.self, forKey: .id),
            name: try container.decode(String.self, forKey: .name),
            members: try container.decode([DeviceID].self, forKey: .members),
            createdAt: try container.decode(Date.self, forKey: .createdAt)
        )
    }

    static func normalized(_ members: [DeviceID]) -> [DeviceID] {
        Array(Set(members)).sorted()
    }

    /// The error for members that are not registered devices, naming them.
    package static func unknownMembersError(_ unknown: [DeviceID]) -> ValidationError {
        let names = unknown.sorted().map { "'\($0.rawValue)'" }.joined(separator: ", ")
        return ValidationError(
            field: "members",
            message: unknown.count == 1
                ? "contains \(names), which is not a registered device"
                : "contains \(names), which are not registered devices"
        )
    }

    enum CodingKeys: String, CodingKey {
        case id, name, members
        case createdAt = "created_at"
    }
}
