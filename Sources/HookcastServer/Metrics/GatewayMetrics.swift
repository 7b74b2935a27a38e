import CoreMetrics
import Foundation
import HookcastCore
import Mosquitto
import Prometheus
import Synchronization

/// What an operator graphs: webhooks by answer, commands by outcome, acknowledgements by state and how long they
/// took, redeliveries, and at each scrape the broker connection, the outbox and the devices online. Each gateway
/// has a registry of its own (several run side by side in the tests), rendered in Prometheus's text format.
///
/// Labels are fixed words and status codes only: never a key, a device id or anything else a caller chose.
final class GatewayMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    let factory: PrometheusMetricsFactory
    let publishTimes = PublishTimes()

    private let acknowledgementLatency: CoreMetrics.Timer
    private let brokerConnected: CoreMetrics.Gauge
    private let outboxDepth: CoreMetrics.Gauge
    private let devicesOnline: CoreMetrics.Gauge
    private let counters = Mutex<[String: CoreMetrics.Counter]>([:])
    /// The gauges read from the store are read at most once per `storeGaugeInterval`, however often `/metrics`
    /// is scraped: the store has one connection, and a scrape flood must not hold up the webhooks' writes.
    let storeGaugeInterval: Duration
    private let storeGaugesReadAt = Mutex<ContinuousClock.Instant?>(nil)

    init(storeGaugeInterval: Duration = .seconds(5)) {
        self.storeGaugeInterval = storeGaugeInterval
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets["hookcast_acknowledgement_latency_seconds"] = [
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
            .seconds(2.5), .seconds(5), .seconds(10), .seconds(30),
        ]
        self.factory = factory
        acknowledgementLatency = CoreMetrics.Timer(
            label: "hookcast_acknowledgement_latency_seconds", factory: factory)
        brokerConnected = CoreMetrics.Gauge(label: "hookcast_broker_connected", factory: factory)
        outboxDepth = CoreMetrics.Gauge(label: "hookcast_outbox_depth", factory: factory)
        devicesOnline = CoreMetrics.Gauge(label: "hookcast_devices_online", factory: factory)
    }

    func webhookAnswered(status: Int) {
        counter("hookcast_webhooks_total", ("status", String(status))).increment()
    }

    /// A `?wait` webhook answered at once because its key held its share of waits already (`KeyWaitSlots`).
    func webhookWaitSkipped() {
        counter("hookcast_webhook_waits_skipped_total").increment()
    }

    /// `outcome`: published, queued (broker away, the outbox publishes it later) or duplicate.
    func commandAccepted(outcome: String) {
        counter("hookcast_commands_total", ("outcome", outcome)).increment()
    }

    func acknowledgementsRecorded(_ records: [AcknowledgementRecord], now: ContinuousClock.Instant = .now) {
        var byState: [DeliveryState: Int] = [:]
        for record in records {
            byState[record.state, default: 0] += 1
            if let elapsed = publishTimes.elapsed(since: record.commandID, now: now) {
                acknowledgementLatency.recordNanoseconds(
                    elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
            }
        }
        for (state, count) in byState {
            counter("hookcast_acknowledgements_total", ("state", state.rawValue)).increment(by: count)
        }
    }

    /// Why an acknowledgement was not recorded; the label of `hookcast_acknowledgements_ignored_total`.
    enum IgnoredReason: String, Sendable {
        /// Not an acknowledgement message of docs/protocol.md.
        case malformed
        /// Names another device than the topic it came on.
        case otherDevice = "other_device"
        /// For a command the store does not hold.
        case unknownCommand = "unknown_command"
        /// A payload over 16 KiB or a `detail` over 1 KiB (`Acknowledgement.maximumSize`, `maximumDetailSize`).
        case tooLarge = "too_large"
        /// From a device the command was not sent to; counted on the command as `extra`, not stored.
        case notExpected = "not_expected"
    }

    func acknowledgementsIgnored(_ count: Int, reason: IgnoredReason) {
        guard count > 0 else { return }
        counter("hookcast_acknowledgements_ignored_total", ("reason", reason.rawValue)).increment(by: count)
    }

    /// What the acknowledgement inbox dropped to stay within its bounds (a device flooding it); the label of
    /// `hookcast_device_messages_dropped_total` says which kind.
    func deviceMessagesDropped(_ dropped: AcknowledgementInbox.Dropped) {
        guard !dropped.isEmpty else { return }
        if dropped.acknowledgements > 0 {
            counter("hookcast_device_messages_dropped_total", ("kind", "acknowledgement"))
                .increment(by: dropped.acknowledgements)
        }
        if dropped.presence > 0 {
            counter("hookcast_device_messages_dropped_total", ("kind", "presence")).increment(by: dropped.presence)
        }
        if dropped.subscription > 0 {
            counter("hookcast_device_messages_dropped_total", ("kind", "unparsed")).increment(by: dropped.subscription)
        }
    }

    func redelivered(_ count: Int) {
        guard count > 0 else { return }
        counter("hookcast_redeliveries_total").increment(by: count)
    }

    /// Audit entries by what became of them: `written`, `folded` (a call counted in a per-minute entry), `dropped`
    /// (the queue was full: the store did not keep up) or `failed` (the store refused the write).
    func auditEntries(_ outcome: String, count: Int = 1) {
        guard count > 0 else { return }
        counter("hookcast_audit_entries_total", ("outcome", outcome)).increment(by: count)
    }

    /// Each counter is made once and kept: the webhook path counts every request, and making a counter takes the
    /// registry's lock and an allocation.
    func counter(_ label: String, _ dimensions: (String, String)...) -> CoreMetrics.Counter {
        let key =
            dimensions.isEmpty ? label : "\(label){\(dimensions.map { "\($0.0)=\($0.1)" }.joined(separator: ","))}"
        return counters.withLock { counters in
            if let existing = counters[key] { return existing }
            let made = CoreMetrics.Counter(label: label, dimensions: dimensions, factory: factory)
            counters[key] = made
            return made
        }
    }

    /// Reads the gauges that are cheaper to ask for at scrape time than to keep current, then renders everything.
    /// The store's gauges are two counts (no row is read), and only when the last read is `storeGaugeInterval`
    /// old; meanwhile a scrape shows the last values read.
    func render(
        store: any HookcastStore, broker: MQTTConnectionState, now: ContinuousClock.Instant = .now
    ) async -> [UInt8] {
        brokerConnected.record(broker.isConnected ? 1 : 0)
        if claimStoreGaugeRead(now: now) {
            if let depth = try? await store.commands.unpublishedCount() { outboxDepth.record(depth) }
            if let online = try? await store.deliveries.onlineDeviceCount() { devicesOnline.record(online) }
        }
        return registry.emitToBuffer()
    }

    /// True for the one scrape that should read the store now; concurrent scrapes show the values read before.
    private func claimStoreGaugeRead(now: ContinuousClock.Instant) -> Bool {
        storeGaugesReadAt.withLock { readAt in
            if let readAt, now < readAt + storeGaugeInterval { return false }
            readAt = now
            return true
        }
    }
}
