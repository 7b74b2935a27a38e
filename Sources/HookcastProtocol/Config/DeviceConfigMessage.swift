import Foundation

/// The retained message on a device's config topic, `{"v":1,"device_id":"d1","groups":["g1","g2"],"tags":["lobby"]}`:
/// it tells the device which group and tag topics to subscribe to. A config without `tags` (from an older gateway)
/// means no tags.
public struct DeviceConfigMessage: Codable, Sendable, Equatable {
    public static let currentVersion = 1

    public var version: Int
    public var deviceID: DeviceID
    /// Sorted and without duplicates.
    public var groups: [GroupID]
    /// Sorted and without duplicates.
    public var tags: [String]

    /// `groups` and `tags` are sorted and de-duplicated.
    public init(deviceID: DeviceID, groups: [GroupID], tags: [String] = []) {
        self.version = Self.currentVersion
        self.deviceID = deviceID
        self.groups = Array(Set(groups)).sorted()
        self.tags = Array(Set(tags)).sorted()
    }

    /// The payload bytes, keys sorted: exactly what `JSONCoding.encoder()` writes for it (`JSONWriterTests`), without
    /// its cost, since a reconnect compares every device's config with the broker's.
    public func encoded() -> [UInt8] {
        var writer = JSONWriter(capacity: 64 + deviceID.rawValue.utf8.count + 24 * (groups.count + tags.count))
        writer.openObject()
        writer.key("device_id")
        writer.string(deviceID.rawValue)
        writer.key("groups")
        writer.openArray()
        for group in groups { writer.string(group.rawValue) }
        writer.closeArray()
        writer.key("tags")
        writer.openArray()
        for tag in tags { writer.string(tag) }
        writer.closeArray()
        writer.key("v")
        writer.int(version)
        writer.closeObject()
        return writer.bytes
    }

    /// Parses a payload; for devices and tests.
    public static func decode(_ bytes: [UInt8]) throws -> DeviceConfigMessage {
        try UntrustedJSON.decode(DeviceConfigMessage.self, from: Data(bytes))
    }

    enum CodingKeys: String, CodingKey {
        case version = "v"
        case deviceID = "device_id"
        case groups, tags
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        version = try container.decode(Int.self, forKey: .version)
        deviceID = try container.decode(DeviceID.self, forKey: .deviceID)
        groups = try container.decode([GroupID].self, forKey: .groups)
        tags = try container.decodeIfPresent([String].self, forKey: .tags) ?? []
    }
}
