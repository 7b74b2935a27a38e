import Foundation
import HookcastCore
import HookcastProtocol
import Logging
import Mosquitto
import ServiceLifecycle

/// Sends a command again to each expected device that has not acknowledged it within the acknowledgement
/// deadline, on the device's own topic, with capped exponential backoff, until it answers or the command
/// expires. The broker's PUBACK never counts as delivered; only the device's acknowledgement does. This also
/// covers messages mosquitto dropped from a full queue while acknowledging them to the publisher.
struct RedeliveryService: Service {
    let client: MQTTClient
    let store: any HookcastStore
    let publisher: CommandPublisher
    let returns: DeviceReturns
    let acknowledgementDeadline: Duration
    let logger: Logger
    /// How often the active commands are looked at.
    var interval: Duration = .milliseconds(500)
    /// The longest wait between two redeliveries of one command.
    var maximumBackoff: TimeInterval = 300
    /// How long after a device came back before its missing commands are sent: first the broker delivers what it
    /// queued for the device's session, and those acknowledgements should be in.
    var returnGrace: TimeInterval { min(acknowledgementDeadline.timeInterval, 2) }

    static let maximumActivePerScan = 10_000

    struct Schedule {
        var attempt = 0
        var next: Date
    }

    func run() async throws {
        var schedules: [UUID: Schedule] = [:]
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            guard client.state.isConnected else {
                await waitForBroker()
                continue
            }
            do {
                try await redeliverDue(schedules: &schedules, now: Date())
            } catch {
                logger.warning("redelivery scan failed", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    /// Until the client connects, or shutdown begins. A closed client never connects again; the application is
    /// stopping then, so this waits for that.
    private func waitForBroker() async {
        do {
            try await cancelWhenGracefulShutdown { try await client.waitUntilConnected() }
        } catch {
            try? await gracefulShutdown()
        }
    }

    private func redeliverDue(schedules: inout [UUID: Schedule], now: Date) async throws {
        let deadline = acknowledgementDeadline.timeInterval
        // Only unsettled commands (some expected device may still owe an answer), and of those only the ones past
        // their first deadline, unless a device came back: a scan reads what may need sending, not the whole
        // active history. Oldest first, bounded per scan.
        var candidates = try await store.commands.unsettled(
            at: now, issuedBefore: now.addingTimeInterval(-deadline), limit: Self.maximumActivePerScan)
        let returned = returns.take(returnedBy: now.addingTimeInterval(-returnGrace))
        if !returned.isEmpty {
            let seen = Set(candidates.map(\.id))
            candidates += try await store.commands.unsettled(
                at: now, issuedBefore: nil, limit: Self.maximumActivePerScan
            )
            .filter { !seen.contains($0.id) && $0.expectedDevices.contains(where: returned.contains) }
        }
        let candidateIDs = Set(candidates.map(\.id))
        schedules = schedules.filter { candidateIDs.contains($0.key) }
        // Recorded in one transaction per scan, not one per command: a scan can resend to thousands.
        var sent: [(commandID: UUID, deviceID: DeviceID)] = []
        var settled: [UUID] = []
        do {
            try await redeliver(
                candidates, at: now, returned: returned, schedules: &schedules, sent: &sent, settled: &settled)
        } catch {
            try? await store.deliveries.recordRedeliveries(sent, at: now)
            throw error
        }
        try await store.deliveries.recordRedeliveries(sent, at: now)
        try await store.commands.markSettled(settled)
        for id in settled { schedules[id] = nil }
    }

    private func redeliver(
        _ candidates: [Command], at now: Date, returned: Set<DeviceID>, schedules: inout [UUID: Schedule],
        sent: inout [(commandID: UUID, deviceID: DeviceID)], settled: inout [UUID]
    ) async throws {
        let deadline = acknowledgementDeadline.timeInterval
        var due: [Command] = []
        for command in candidates {
            guard !command.expectedDevices.isEmpty else {
                settled.append(command.id)
                continue
            }
            let schedule = schedules[command.id] ?? Schedule(next: command.issuedAt.addingTimeInterval(deadline))
            let concernsReturned = !returned.isEmpty && command.expectedDevices.contains(where: returned.contains)
            if now >= schedule.next || concernsReturned { due.append(command) }
        }
        // Every answer of every due command in one read.
        let answers = try await store.deliveries.acknowledgements(commandIDs: due.map(\.id))
        for command in due {
            var schedule = schedules[command.id] ?? Schedule(next: command.issuedAt.addingTimeInterval(deadline))
            let isDue = now >= schedule.next
            let answered = Set((answers[command.id] ?? []).map(\.deviceID))
            let pending = command.expectedDevices.filter { !answered.contains($0) }
            guard !pending.isEmpty else {
                // Everyone answered: redelivery need not look at it again.
                settled.append(command.id)
                continue
            }
            // Off schedule, only the devices that came back are sent to; the others keep their backoff.
            let recipients = isDue ? pending : pending.filter(returned.contains)
            guard !recipients.isEmpty else { continue }
            schedule.attempt += 1
            for device in recipients {
                if await publisher.redeliver(command, to: device, attempt: schedule.attempt, now: now) {
                    sent.append((command.id, device))
                }
            }
            logger.info(
                "redelivered a command",
                metadata: [
                    "command_id": "\(command.id)", "devices": "\(recipients.count)", "attempt": "\(schedule.attempt)",
                    "reason": "\(isDue ? "deadline" : "device back online")",
                ])
            if isDue {
                let backoff = min(deadline * pow(2, Double(schedule.attempt)), maximumBackoff)
                schedule.next = now.addingTimeInterval(max(backoff, deadline))
            }
            schedules[command.id] = schedule
        }
    }
}
