import Crypto
import Foundation
import HookcastCore
import HookcastProtocol
import Hummingbird
import Logging
import Mosquitto

/// What the HTTP controllers work with: the store, the key service and the way out to the broker.
struct Gateway: Sendable {
    let store: any HookcastStore
    let keys: APIKeyService
    /// Publishes commands, first and again; the one owner of their delivery lifecycle.
    let delivery: DeliveryService
    let configs: DeviceConfigPublisher
    let accounts: any DeviceAccounts
    let emergency: EmergencyLatch
    let watchers: CommandWatchers
    /// Told of every command made, for the console's live view.
    let live: LiveEvents
    /// The web console's signed-in sessions.
    let sessions: ConsoleSessions
    let metrics: GatewayMetrics
    let acknowledgementDeadline: Duration
    let maximumBacklog: Int
    let committer: GroupCommit<Command>
    /// Records triggers, admin changes and cancels (`AuditTrail`).
    let audit: AuditTrail
    /// Rung when a CAP feed is added or changed, so the poller looks at it now.
    let capFeedChanges = Doorbell()
    let capFeedFetcher: CAPFeedFetcher
    /// Delivery reports to callback URLs: `reports.schedule(url:secret:commandIDs:subject:)` for callers other
    /// than the webhook.
    let reports: DeliveryReports
    let logger: Logger

    /// The longest a caller may hold a webhook open waiting for acknowledgements.
    static let maximumWait = Duration.seconds(30)

    /// After group memberships changed: the broker's access rules first, so a device told of a new group by its
    /// config can already subscribe to the group's topics.
    func membershipChanged(_ devices: some Sequence<DeviceID>) async {
        let changed = Array(devices)
        await accounts.updateGroups(of: changed)
        await configs.publish(for: changed)
    }

    /// Holds until every expected device of every command answered or `wait` has passed; returns their reports
    /// then, in order (nil only when the store could not be read).
    func waitForAcknowledgements(of commands: [Command], wait: Duration) async -> [DeliveryTotals]? {
        let deadline = ContinuousClock.now + min(wait, Self.maximumWait)
        var reports: [DeliveryTotals] = []
        for command in commands {
            // The commands went out together: waiting for each in turn, with what is left, waits for all.
            let left = max(deadline - ContinuousClock.now, .zero)
            guard let report = await waitForAcknowledgements(of: command, wait: left) else { return nil }
            reports.append(report)
        }
        return reports
    }

    /// Holds until every expected device answered or `wait` has passed; returns the command's totals then.
    func waitForAcknowledgements(of command: Command, wait: Duration) async -> DeliveryTotals? {
        // `wait` is at most `maximumWait` already where it comes from a request (WebhookRequest.wait).
        let deadline = ContinuousClock.now + min(wait, Self.maximumWait)
        // Watching before the first read: an answer stored while reading still wakes the loop.
        let watch = watchers.watch(command.id)
        defer { watch.cancel() }
        let answersDue = command.issuedAt.addingTimeInterval(acknowledgementDeadline.timeInterval)
        let expected = command.expectedDevices.count
        // How many answers are stored at most, as far as the last count and the writer's notices since tell; nil
        // when unknown. While it is below the expected devices, nothing needs reading.
        var answersAtMost: Int?
        while true {
            // Fewer answers than expected devices, before the deadline: certainly incomplete. Counting after every
            // batch of a broadcast's answers cost the store a scan of them all each time; the notices' counts are
            // added up instead, and the rows counted again only once they might be complete.
            if let known = answersAtMost, known < expected, Date() < answersDue, ContinuousClock.now < deadline {
                let news = await watch.next(timeout: deadline - ContinuousClock.now)
                answersAtMost = news.uncounted ? nil : known + news.answersAtMost
                continue
            }
            guard let answers = try? await store.deliveries.acknowledgementCounts(commandID: command.id) else {
                return nil
            }
            let totals = DeliveryTotals(
                command: command, answersByState: answers, now: Date(), acknowledgementDeadline: acknowledgementDeadline
            )
            if totals.isComplete || ContinuousClock.now >= deadline { return totals }
            answersAtMost = answers.values.reduce(0, +)
        }
    }

    /// What a request asks for, independent of key order and whitespace.
    static func fingerprint(eventID: EventID, sensorData: JSONValue?) -> String {
        let request = JSONValue.object(["event_id": .string(eventID.rawValue), "sensor_data": sensorData ?? .null])
        let bytes = (try? JSONCoding.encoder().encode(request)) ?? Data()
        return SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }
}
