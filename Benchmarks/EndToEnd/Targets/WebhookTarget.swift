import Foundation

/// Something that takes the product page's webhook and makes devices act: Hookcast, or a peer.
protocol WebhookTarget: AnyObject {
    /// Short name in the results file: `hookcast`, `fastapi-uvloop`, …
    var name: String { get }
    var label: String { get }
    var port: Int { get }
    var path: String { get }
    var headers: [(name: String, value: String)] { get }
    /// Whether it can address a group (only Hookcast tells devices which groups they are in).
    var supportsGroups: Bool { get }

    /// Starts serving with routes for a fleet of `fleetSize` devices; Hookcast also registers them.
    func start(fleetSize: Int) async throws
    func stop() async
    /// Resident memory now, at its peak, and split into anonymous and file pages, in bytes.
    var memory: ResidentMemory? { get }
    /// The serving process, whose CPU time a trial reads (nil for a target with no process of its own).
    var processID: pid_t? { get }
}

/// The event ids every target serves: one per device for the first `deviceEvents` devices, one for all devices
/// and one for the group holding every tenth device.
enum BenchEvents {
    static let deviceEvents = 1000
    static let all = "bench-all"
    static let tenthGroup = "bench-tenth"
    static let groupID = "tenth"

    static func device(_ index: Int) -> String {
        "bench-d-\(BenchFleet.deviceID(index).dropFirst(BenchFleet.idPrefix.count))"
    }

    /// Every tenth device (1, 11, 21, …) is in the group.
    static func isInGroup(_ index: Int) -> Bool { index % 10 == 1 }

    /// The webhook body for request `sequence`: its number travels as `sensor_data.id` into the command, which is
    /// how the observer ties each acknowledgement back to its request.
    static func body(event: String, sequence: Int) -> [UInt8] {
        Array(
            #"{"event_id":"\#(event)","sensor_data":{"event":"bench","id":"\#(sequence)","value":\#(sequence)}}"#.utf8)
    }
}
