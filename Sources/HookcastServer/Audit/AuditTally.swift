import Foundation
import HookcastCore

/// Decides which webhook calls get an audit entry of their own and folds the rest into one entry per minute, so a
/// flood cannot fill the disk. A call that named no valid key never gets its own entry (anyone can send those, as
/// fast as they like): per minute and error code there is one entry with the count and a few of the addresses.
/// An identified key's accepted calls each get one (they are bounded by its rate limit, and each stored a command
/// anyway); its refusals get one each up to `refusalBudget` a minute, and beyond that are folded too. A value type
/// without I/O: `AuditTrail` holds it under a lock and writes what it returns.
struct AuditTally {
    /// Refusals of one key per minute recorded one by one before the rest are folded.
    let refusalBudget: Int
    /// Addresses named in a folded entry at most.
    static let shownAddresses = 5

    private struct Slot: Hashable {
        let minute: Int64
        let actor: AuditActor.Kind
        let keyID: String?
        let status: Int?
        let errorCode: String?
    }

    private struct Sum {
        var count = 0
        var last: Date
        var keyName: String?
        var addresses: [String] = []
        var moreAddresses = false
    }

    private var sums: [Slot: Sum] = [:]
    /// Refusals recorded one by one, per (minute, key id).
    private var refusals: [String: Int] = [:]
    private var refusalsMinute: Int64 = .min

    init(refusalBudget: Int = 60) {
        self.refusalBudget = refusalBudget
    }

    /// The entry to write now, or nil when the call was folded into its minute's sum.
    mutating func admit(_ entry: AuditEntry) -> AuditEntry? {
        let minute = Self.minute(of: entry.at)
        if entry.actor.type != .unidentified {
            if (entry.status ?? 0) < 400 { return entry }
            if minute != refusalsMinute { (refusals, refusalsMinute) = ([:], minute) }
            let key = entry.actor.id ?? ""
            if refusals[key, default: 0] < refusalBudget {
                refusals[key, default: 0] += 1
                return entry
            }
        }
        let slot = Slot(
            minute: minute, actor: entry.actor.type, keyID: entry.actor.id, status: entry.status,
            errorCode: entry.errorCode)
        var sum = sums[slot] ?? Sum(last: entry.at)
        sum.count += entry.count
        sum.last = max(sum.last, entry.at)
        sum.keyName = entry.actor.name ?? sum.keyName
        if let address = entry.remoteAddress, !sum.addresses.contains(address) {
            if sum.addresses.count < Self.shownAddresses {
                sum.addresses.append(address)
            } else {
                sum.moreAddresses = true
            }
        }
        sums[slot] = sum
        return nil
    }

    /// The folded entries of minutes that ended before `date` (all of them when nil), taken out of the tally.
    mutating func takeSums(before date: Date?) -> [AuditEntry] {
        let cutoff = date.map(Self.minute) ?? .max
        let ended = sums.filter { $0.key.minute < cutoff }
        for slot in ended.keys { sums[slot] = nil }
        return ended.sorted { $0.value.last < $1.value.last }.map { slot, sum in
            AuditEntry(
                at: sum.last, kind: .trigger,
                actor: AuditActor(type: slot.actor, id: slot.keyID, name: sum.keyName),
                remoteAddress: sum.addresses.joined(separator: ", ") + (sum.moreAddresses ? ", …" : ""),
                status: slot.status, errorCode: slot.errorCode, count: sum.count)
        }
    }

    private static func minute(of date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 / 60).rounded(.down))
    }
}
