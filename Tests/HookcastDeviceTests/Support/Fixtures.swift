import Foundation
import HookcastProtocol

/// Envelopes and identifiers for tests, unique per call so parallel tests never share a device or a command.
enum Fixtures {
    static func deviceID(_ prefix: String = "dev") throws -> DeviceID {
        try DeviceID("\(prefix)-\(UUID().uuidString.prefix(8).lowercased())")
    }

    static func groupID() throws -> GroupID {
        try GroupID("grp-\(UUID().uuidString.prefix(8).lowercased())")
    }

    /// A command as the gateway would send it; expired when `expiresIn` is negative.
    static func envelope(
        _ function: ActionFunction,
        params: ActionParameters = ActionParameters(),
        sensorData: SensorData? = nil,
        target: ActionTarget = .all,
        expiresIn: TimeInterval = 120,
        now: Date = Date()
    ) throws -> CommandEnvelope {
        CommandEnvelope(
            id: UUID(),
            function: function,
            params: params,
            eventID: try EventID("ev-\(function.rawValue)"),
            target: target,
            issuedAt: now.addingTimeInterval(min(0, expiresIn) - 60),
            expiresAt: now.addingTimeInterval(expiresIn),
            sensorData: sensorData
        )
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hookcast-device-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
