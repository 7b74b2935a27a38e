import Foundation
import HookcastProtocol

/// Where redelivery stands: each command's backoff, the devices that came back online, and the scan under way.
struct RedeliveryState {
    struct Schedule: Equatable {
        var attempt = 0
        var next: Date
        /// The command's first deadline: until then, scans do not read it unless a device it concerns came back.
        var firstDeadline: Date
    }

    enum Scan {
        case idle
        /// Reading the unsettled commands; `returned` are the devices back online it serves.
        case readingUnsettled(returned: Set<DeviceID>, at: Date)
        /// Reading the due commands (oldest first) in full, and who answered them.
        case readingDue(due: [UUID], returned: Set<DeviceID>, settle: [UUID], at: Date)
        case redelivering(settle: [UUID])
    }

    var schedules: [UUID: Schedule] = [:]
    /// The last presence heard from each device; a device first heard online (e.g. when the gateway starts) has
    /// not returned from anywhere.
    var online: [DeviceID: Bool] = [:]
    /// Devices that came back online since the last scan, and when.
    var returned: [DeviceID: Date] = [:]
    var scan = Scan.idle
}

/// Redelivery: a command is sent again to each expected device that has not acknowledged it within the
/// acknowledgement deadline, on the device's own topic, with capped exponential backoff, until it answers or the
/// command expires; a device that comes back online gets what it is missing at the next scan. The broker's PUBACK
/// never counts as delivered; only the device's acknowledgement does (mosquitto may drop a message from a full
/// queue while acknowledging it to the publisher).
extension DeliveryLifecycle {
    /// Presence as the gateway received it: an offline → online change is a return.
    public mutating func presenceChanged(_ presence: [DevicePresence], at time: Date) {
        for update in presence {
            let before = redelivery.online.updateValue(update.online, forKey: update.deviceID)
            if update.online && before == false { redelivery.returned[update.deviceID] = time }
        }
    }

    /// Starts a scan if none is running: only unsettled commands past their first deadline, plus, when devices came
    /// back, the unsettled ones that concern them. A scan reads what may need sending, not the whole history.
    mutating func startScanIfDue(now: Date) -> [DeliveryAction] {
        guard brokerConnected, !stopped, leading, case .idle = redelivery.scan else { return [] }
        let cutoff = now.addingTimeInterval(-configuration.returnGrace)
        let returned = Set(redelivery.returned.filter { $0.value <= cutoff }.keys)
        for device in returned { redelivery.returned[device] = nil }
        redelivery.scan = .readingUnsettled(returned: returned, at: now)
        return [
            .readUnsettled(
                overdueBefore: now.addingTimeInterval(-configuration.acknowledgementDeadline),
                awaitingAnswerFrom: returned, limit: configuration.scanLimit, at: now)
        ]
    }

    /// The summaries asked for: `overdue`, past their first deadline; `concerning`, those of any age that a device
    /// back online owes an answer (nil unless asked for). Only the due ones are read in full next.
    public mutating func unsettledRead(overdue: [UnsettledCommand], concerning: [UnsettledCommand]?) -> [DeliveryAction]
    {
        guard case .readingUnsettled(let returned, let now) = redelivery.scan else { return [] }
        var candidates = overdue
        var concerningIDs: Set<UUID> = []
        if let concerning, !returned.isEmpty {
            concerningIDs = Set(concerning.map(\.id))
            let seen = Set(overdue.map(\.id))
            candidates += concerning.filter { !seen.contains($0.id) }
        }
        // A schedule no read returned belongs to a command settled since, unless the command is not yet past its
        // first deadline (sent early to a device that came back): that one keeps its attempts.
        let candidateIDs = Set(candidates.map(\.id))
        redelivery.schedules = redelivery.schedules.filter {
            candidateIDs.contains($0.key) || $0.value.firstDeadline >= now
        }
        var settle: [UUID] = []
        var due: [UUID] = []
        for command in candidates {
            guard command.expectsAnswers else {
                settle.append(command.id)
                continue
            }
            if now >= schedule(of: command.id, issuedAt: command.issuedAt).next || concerningIDs.contains(command.id) {
                due.append(command.id)
            }
        }
        if due.isEmpty {
            guard !settle.isEmpty else {
                redelivery.scan = .idle
                return []
            }
            redelivery.scan = .redelivering(settle: settle)
            return [.redeliver([], settle: settle, at: now)]
        }
        redelivery.scan = .readingDue(due: due, returned: returned, settle: settle, at: now)
        return [.readDue(due)]
    }

    /// The due commands that are still unsettled, in full, and who answered each, as the store has them.
    public mutating func dueRead(_ commands: [Command], answered: [UUID: Set<DeviceID>]) -> [DeliveryAction] {
        guard case .readingDue(let due, let returned, var settle, let now) = redelivery.scan else { return [] }
        let whole = Dictionary(commands.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let deadline = configuration.acknowledgementDeadline
        var redeliveries: [Redelivery] = []
        for id in due {
            guard let command = whole[id] else {
                // Settled, cancelled or pruned since its summary was read: nothing is owed.
                redelivery.schedules[id] = nil
                continue
            }
            var schedule = schedule(of: command.id, issuedAt: command.issuedAt)
            let isDue = now >= schedule.next
            let answeredBy = answered[command.id] ?? []
            let pending = command.expectedDevices.filter { !answeredBy.contains($0) }
            guard !pending.isEmpty else {
                // Everyone answered: redelivery need not look at it again.
                settle.append(command.id)
                continue
            }
            // Off schedule, only the devices that came back are sent to; the others keep their backoff.
            let recipients = isDue ? pending : pending.filter(returned.contains)
            guard !recipients.isEmpty else { continue }
            schedule.attempt += 1
            redeliveries.append(
                Redelivery(
                    command: command, devices: recipients, attempt: schedule.attempt,
                    reason: isDue ? .deadline : .deviceBackOnline))
            if isDue {
                let backoff = min(deadline * pow(2, Double(schedule.attempt)), configuration.maximumBackoff)
                schedule.next = now.addingTimeInterval(max(backoff, deadline))
            }
            redelivery.schedules[command.id] = schedule
        }
        redelivery.scan = .redelivering(settle: settle)
        return [.redeliver(redeliveries, settle: settle, at: now)]
    }

    /// The redeliveries were sent and recorded and the settled commands marked: the scan is over.
    public mutating func scanFinished() {
        if case .redelivering(let settled) = redelivery.scan {
            for id in settled { redelivery.schedules[id] = nil }
        }
        redelivery.scan = .idle
    }

    /// A read or write of the scan failed; the next tick starts another.
    public mutating func scanFailed() {
        redelivery.scan = .idle
    }

    private func schedule(of id: UUID, issuedAt: Date) -> RedeliveryState.Schedule {
        let firstDeadline = issuedAt.addingTimeInterval(configuration.acknowledgementDeadline)
        return redelivery.schedules[id] ?? .init(next: firstDeadline, firstDeadline: firstDeadline)
    }
}
