import Foundation
import HookcastCore
import HookcastProtocol
import Synchronization

/// Where parsed acknowledgements and presence wait for the writer. `signals` holds at most one pending wake-up,
/// so however many messages arrive during a write, the next write takes them all at once.
///
/// Bounded, so a device account flooding the broker cannot grow the gateway's memory while a write is slow:
/// acknowledgements are coalesced to one per (command, device), the later replacing the earlier as the store
/// would, with at most `Limits.acknowledgementsPerDevice` commands per device and `Limits.acknowledgements` in
/// all; presence is coalesced per device to its changes between online and offline, at most
/// `Limits.presencePerDevice` of them. What does not fit is dropped and counted (`add` returns how many). A
/// dropped acknowledgement is not lost for good: redelivery sends its command again and the device answers again.
final class AcknowledgementInbox: Sendable {
    enum Item: Sendable {
        case acknowledgement(AcknowledgementRecord)
        case presence(DevicePresence)
        case ignored
    }

    struct Limits: Sendable {
        var acknowledgementsPerDevice = 1_000
        var acknowledgements = 50_000
        var presencePerDevice = 4
    }

    /// What `add` or `putBack` had to drop to stay within the limits; `subscription` counts what the MQTT
    /// client's bounded buffer dropped before parsing (the collector adds it).
    struct Dropped: Sendable, Equatable {
        var acknowledgements = 0
        var presence = 0
        var subscription = 0
        var isEmpty: Bool { acknowledgements == 0 && presence == 0 && subscription == 0 }
    }

    private struct Key: Hashable {
        let commandID: UUID
        let deviceID: DeviceID
    }

    private struct Pending {
        let limits: Limits
        var acknowledgements: [Key: AcknowledgementRecord] = [:]
        var acknowledgementsByDevice: [DeviceID: Int] = [:]
        var presence: [DeviceID: [DevicePresence]] = [:]
        var finished = false

        mutating func add(_ record: AcknowledgementRecord, dropped: inout Dropped) {
            let key = Key(commandID: record.commandID, deviceID: record.deviceID)
            if acknowledgements[key] != nil {
                acknowledgements[key] = record
                return
            }
            let ofDevice = acknowledgementsByDevice[record.deviceID, default: 0]
            guard ofDevice < limits.acknowledgementsPerDevice, acknowledgements.count < limits.acknowledgements else {
                dropped.acknowledgements += 1
                return
            }
            acknowledgements[key] = record
            acknowledgementsByDevice[record.deviceID] = ofDevice + 1
        }

        /// A presence of the same kind (online, offline) as the device's latest waiting one replaces it, keeping
        /// what it carried that the newer one does not; a change is kept, so redelivery still sees a return.
        mutating func add(_ update: DevicePresence, dropped: inout Dropped) {
            var waiting = presence[update.deviceID, default: []]
            if let last = waiting.last, last.online == update.online {
                waiting[waiting.count - 1] = update.merged(over: last)
            } else {
                waiting.append(update)
            }
            if waiting.count > limits.presencePerDevice {
                dropped.presence += waiting.count - limits.presencePerDevice
                waiting.removeFirst(waiting.count - limits.presencePerDevice)
            }
            presence[update.deviceID] = waiting
        }

        mutating func takeAll() -> ([AcknowledgementRecord], [DevicePresence]) {
            defer {
                acknowledgements.removeAll(keepingCapacity: true)
                acknowledgementsByDevice.removeAll(keepingCapacity: true)
                presence.removeAll(keepingCapacity: true)
            }
            return (Array(acknowledgements.values), presence.values.flatMap { $0 })
        }
    }

    private let pending: Mutex<Pending>
    let signals: AsyncStream<Void>
    private let signal: AsyncStream<Void>.Continuation

    init(limits: Limits = Limits()) {
        pending = Mutex(Pending(limits: limits))
        (signals, signal) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    var isFinished: Bool { pending.withLock { $0.finished } }

    /// Returns what had to be dropped to stay within the limits.
    @discardableResult
    func add(_ item: Item) -> Dropped {
        var dropped = Dropped()
        pending.withLock { pending in
            switch item {
            case .acknowledgement(let record): pending.add(record, dropped: &dropped)
            case .presence(let presence): pending.add(presence, dropped: &dropped)
            case .ignored: return
            }
        }
        signal.yield()
        return dropped
    }

    func takeAll() -> ([AcknowledgementRecord], [DevicePresence]) {
        pending.withLock { $0.takeAll() }
    }

    /// Returns a batch the writer could not store; what arrived meanwhile is newer and goes over it.
    @discardableResult
    func putBack(_ acknowledgements: [AcknowledgementRecord], _ presence: [DevicePresence]) -> Dropped {
        var dropped = Dropped()
        pending.withLock { pending in
            let (newerAcknowledgements, newerPresence) = pending.takeAll()
            for record in acknowledgements + newerAcknowledgements { pending.add(record, dropped: &dropped) }
            for update in presence + newerPresence { pending.add(update, dropped: &dropped) }
        }
        signal.yield()
        return dropped
    }

    /// Ends the writer after it has stored what is waiting.
    func finish() {
        pending.withLock { $0.finished = true }
        signal.yield()
        signal.finish()
    }
}
