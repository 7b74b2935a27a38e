import HookcastCore
import Synchronization

/// Where parsed acknowledgements and presence wait for the writer. `signals` holds at most one pending wake-up,
/// so however many messages arrive during a write, the next write takes them all at once.
final class AcknowledgementInbox: Sendable {
    enum Item: Sendable {
        case acknowledgement(AcknowledgementRecord)
        case presence(DevicePresence)
        case ignored
    }

    private struct Pending {
        var acknowledgements: [AcknowledgementRecord] = []
        var presence: [DevicePresence] = []
        var finished = false
    }

    private let pending = Mutex(Pending())
    let signals: AsyncStream<Void>
    private let signal: AsyncStream<Void>.Continuation

    init() {
        (signals, signal) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    var isFinished: Bool { pending.withLock { $0.finished } }

    func add(_ item: Item) {
        pending.withLock { pending in
            switch item {
            case .acknowledgement(let record): pending.acknowledgements.append(record)
            case .presence(let presence): pending.presence.append(presence)
            case .ignored: return
            }
        }
        signal.yield()
    }

    func takeAll() -> ([AcknowledgementRecord], [DevicePresence]) {
        pending.withLock { pending in
            defer {
                pending.acknowledgements.removeAll(keepingCapacity: true)
                pending.presence.removeAll(keepingCapacity: true)
            }
            return (pending.acknowledgements, pending.presence)
        }
    }

    func putBack(_ acknowledgements: [AcknowledgementRecord], _ presence: [DevicePresence]) {
        pending.withLock { pending in
            pending.acknowledgements.insert(contentsOf: acknowledgements, at: 0)
            pending.presence.insert(contentsOf: presence, at: 0)
        }
        signal.yield()
    }

    /// Ends the writer after it has stored what is waiting.
    func finish() {
        pending.withLock { $0.finished = true }
        signal.yield()
        signal.finish()
    }
}
