import Foundation
import HookcastProtocol

func deviceID(_ raw: String) throws -> DeviceID { try DeviceID(raw) }
func groupID(_ raw: String) throws -> GroupID { try GroupID(raw) }
func eventID(_ raw: String) throws -> EventID { try EventID(raw) }

/// A fixed instant with milliseconds, so dates survive the wire's millisecond precision unchanged.
let referenceDate = Date(timeIntervalSince1970: 1_736_000_000.123)

/// A `load_url` command for `door-open`, expiring five minutes after it was issued.
func makeEnvelope(
    id: UUID = UUID(),
    issuedAt: Date = referenceDate,
    target: ActionTarget = .all,
    sensorData: SensorData? = nil
) throws -> CommandEnvelope {
    CommandEnvelope(
        id: id,
        function: .loadURL,
        params: ActionParameters(url: "https://example.com"),
        eventID: try EventID("door-open"),
        target: target,
        issuedAt: issuedAt,
        expiresAt: issuedAt.addingTimeInterval(300),
        sensorData: sensorData
    )
}
