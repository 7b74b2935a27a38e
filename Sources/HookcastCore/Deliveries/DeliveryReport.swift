import Foundation
import HookcastProtocol

/// Per-device states and totals of one command, derived from its expected devices and the acknowledgements stored
/// so far. `pending` turns into `timed_out` once the acknowledgement deadline has passed, or `cancelled` once the
/// command was cancelled; a late acknowledgement still counts.
public struct DeliveryReport: Sendable, Equatable {
    public struct Entry: Sendable, Equatable, Codable {
        public var deviceID: DeviceID
        public var state: DeliveryState
        public var detail: String?
        public var executedAt: Date?
        public var receivedAt: Date?
        /// False for an acknowledgement from a device the command did not expect.
        public var expected: Bool
        /// How often the command was sent again to this device for want of an acknowledgement (0 when the first
        /// delivery was answered), and when last.
        public var redeliveries: Int = 0
        public var lastRedeliveredAt: Date?

        enum CodingKeys: String, CodingKey {
            case deviceID = "device_id"
            case state, detail
            case executedAt = "executed_at"
            case receivedAt = "received_at"
            case expected, redeliveries
            case lastRedeliveredAt = "last_redelivered_at"
        }
    }

    /// Expected devices in the command's order, then unexpected ones by id (acknowledgements stored before
    /// unexpected answers were only counted).
    public var entries: [Entry]
    /// Counts by state over the expected devices.
    public var totals: [DeliveryState: Int]
    /// Answers from devices outside the expected set: those counted on the command, and any stored before.
    public var extra: Int

    /// True when no expected device is still pending.
    public var isComplete: Bool { (totals[.pending] ?? 0) == 0 }

    public init(
        command: Command, acknowledgements: [AcknowledgementRecord], redeliveries: [DeviceID: RedeliveryRecord] = [:],
        now: Date, acknowledgementDeadline: Duration
    ) {
        let unanswered = command.unansweredState(now: now, acknowledgementDeadline: acknowledgementDeadline)
        var byDevice: [DeviceID: AcknowledgementRecord] = [:]
        for record in acknowledgements where record.commandID == command.id {
            byDevice[record.deviceID] = record
        }
        let expected = Set(command.expectedDevices)
        var entries: [Entry] = command.expectedDevices.map { device in
            guard let record = byDevice[device] else {
                return Entry(deviceID: device, state: unanswered, expected: true)
            }
            return Entry(record: record, expected: true)
        }
        let extras = byDevice.values.filter { !expected.contains($0.deviceID) }.sorted { $0.deviceID < $1.deviceID }
        entries += extras.map { Entry(record: $0, expected: false) }
        for index in entries.indices {
            guard let redelivery = redeliveries[entries[index].deviceID] else { continue }
            entries[index].redeliveries = redelivery.attempts
            entries[index].lastRedeliveredAt = redelivery.lastSentAt
        }
        var totals = Dictionary(uniqueKeysWithValues: DeliveryState.allCases.map { ($0, 0) })
        for entry in entries where entry.expected { totals[entry.state, default: 0] += 1 }
        self.entries = entries
        self.totals = totals
        self.extra = command.extraAcknowledgements + extras.count
    }
}

extension Command {
    /// The state of an expected device that has not answered: `pending` until the acknowledgement deadline, then
    /// `timed_out`, or `cancelled` once the command was cancelled.
    func unansweredState(now: Date, acknowledgementDeadline: Duration) -> DeliveryState {
        let deadline = issuedAt.addingTimeInterval(acknowledgementDeadline.timeInterval)
        return cancelledAt != nil ? .cancelled : now >= deadline ? .timedOut : .pending
    }
}

extension DeliveryReport.Entry {
    init(deviceID: DeviceID, state: DeliveryState, expected: Bool) {
        self.init(deviceID: deviceID, state: state, detail: nil, executedAt: nil, receivedAt: nil, expected: expected)
    }

    init(record: AcknowledgementRecord, expected: Bool) {
        self.init(
            deviceID: record.deviceID, state: record.state, detail: record.detail, executedAt: record.executedAt,
            receivedAt: record.receivedAt, expected: expected)
    }
}

extension Duration {
    /// The duration in seconds, for arithmetic with `Date`.
    public var timeInterval: TimeInterval {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
