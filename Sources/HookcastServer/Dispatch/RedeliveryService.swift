import Foundation
import HookcastCore
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
            if client.state.isConnected {
                do {
                    try await redeliverDue(schedules: &schedules, now: Date())
                } catch {
                    logger.warning("redelivery scan failed", metadata: ["error": "\(error)"])
                }
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    private func redeliverDue(schedules: inout [UUID: Schedule], now: Date) async throws {
        // Oldest first, bounded per scan; a fleet with more active commands than this is the benchmark issue's to
        // measure.
        let active = try await store.commands.active(at: now, limit: Self.maximumActivePerScan)
        let activeIDs = Set(active.map(\.id))
        schedules = schedules.filter { activeIDs.contains($0.key) }
        let returned = returns.take(returnedBy: now.addingTimeInterval(-returnGrace))
        // Recorded in one transaction per scan, not one per command: a scan can resend to thousands.
        var sent: [(commandID: UUID, deviceID: DeviceID)] = []
        do {
            try await redeliver(active, at: now, returned: returned, schedules: &schedules, sent: &sent)
        } catch {
            try? await store.deliveries.recordRedeliveries(sent, at: now)
            throw error
        }
        try await store.deliveries.recordRedeliveries(sent, at: now)
    }

    private func redeliver(
        _ active: [Command], at now: Date, returned: Set<DeviceID>, schedules: inout [UUID: Schedule],
        sent: inout [(commandID: UUID, deviceID: DeviceID)]
    ) async throws {
        let deadline = acknowledgementDeadline.timeInterval
        for command in active where !command.expectedDevices.isEmpty {
            var schedule = schedules[command.id] ?? Schedule(next: command.issuedAt.addingTimeInterval(deadline))
            let due = now >= schedule.next
            let concernsReturned = !returned.isEmpty && command.expectedDevices.contains(where: returned.contains)
            guard due || (concernsReturned && schedule.next != .distantFuture) else { continue }
            let answered = Set(try await store.deliveries.acknowledgements(commandID: command.id).map(\.deviceID))
            let pending = command.expectedDevices.filter { !answered.contains($0) }
            guard !pending.isEmpty else {
                // Everyone answered: nothing more to do until the command expires.
                schedules[command.id] = Schedule(attempt: schedule.attempt, next: .distantFuture)
                continue
            }
            // Off schedule, only the devices that came back are sent to; the others keep their backoff.
            let recipients = due ? pending : pending.filter(returned.contains)
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
                    "reason": "\(due ? "deadline" : "device back online")",
                ])
            if due {
                let backoff = min(deadline * pow(2, Double(schedule.attempt)), maximumBackoff)
                schedule.next = now.addingTimeInterval(max(backoff, deadline))
            }
            schedules[command.id] = schedule
        }
    }
}
