import Foundation
import Synchronization

/// The expected devices of the few most recent broadcasts that acknowledgements arrived for, so that a broadcast's
/// list is read and parsed once, not once per batch of its answers (the writer takes whatever arrived since its
/// last write, so a broadcast's answers come in dozens of batches; 10,000 devices are a 150 KB list).
///
/// A command's expected devices never change once it is stored, so a kept list is never stale, in one gateway or
/// among several sharing a database; but it does not prove the command is still stored (retention may have pruned
/// it). Only long lists are kept (a short one is as cheap to read again).
public final class ExpectedDeviceListCache: Sendable {
    public static let keptCommands = 4
    public static let keptMinimum = 64

    /// Most recently used last.
    private let kept = Mutex<[(commandID: UUID, devices: Set<String>)]>([])

    public init() {}

    /// The kept lists among `commandIDs`.
    public func lists(for commandIDs: Set<UUID>) -> [UUID: Set<String>] {
        kept.withLock { kept in
            var lists: [UUID: Set<String>] = [:]
            for entry in kept where commandIDs.contains(entry.commandID) { lists[entry.commandID] = entry.devices }
            return lists
        }
    }

    /// Keeps `devices` when the list is long enough to be worth it, dropping the least recently kept.
    public func keep(_ devices: Set<String>, for commandID: UUID) {
        guard devices.count >= Self.keptMinimum else { return }
        kept.withLock { kept in
            kept.removeAll { $0.commandID == commandID }
            kept.append((commandID, devices))
            if kept.count > Self.keptCommands { kept.removeFirst(kept.count - Self.keptCommands) }
        }
    }
}
