import Foundation

/// The retained message on a device's config topic, `{"v":1,"device_id":"d1","groups":["g1","g2"]}`: it tells the
/// device which group topics to subscribe to.
public struct DeviceConfigMessage: Codable, Sendable, Equatable {
    public static let currentVersion = 1

    public var version: Int
    public var deviceID: DeviceID
    /// Sorted and without duplicates.
    public var groups: [GroupID]

    /// `groups` are sorted and de-duplicated.
    public init(deviceID: DeviceID, groups: [GroupID]) {
        self.version = Self.currentVersion
        self.deviceID = deviceID
        self.groups = Array(Set(groups)).sorted()
    }

    /// The payload bytes, keys sorted.
    public func encoded() -> [UInt8] {
        do {
            return Array(try JSONCoding.encoder().encode(self))
        } catch {
            // Unreachable: an Int, a validated string and an array of validated strings always encode.
            assertionFailure("DeviceConfigMessage failed to encode: \(error)")
            return []
        }
    }

    /// Parses a payload; for devices and tests.
    public static func decode(_ bytes: [UInt8]) throws -> DeviceConfigMessage {
        try UntrustedJSON.decode(DeviceConfigMessage.self, from: Data(bytes))
    }

    enum CodingKeys: String, CodingKey {
        case version = "v"
        case deviceID = "device_id"
        case groups
    }
}
