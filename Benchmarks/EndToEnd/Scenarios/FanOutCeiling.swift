import Foundation
import HookcastProtocol
import Mosquitto

/// The fan-out ceiling: one command envelope published straight to the broadcast topic through libmosquitto, and
/// the time until the observer saw every device's acknowledgement — what a broadcast costs with no gateway at all.
/// The publisher logs in with an account that may write the broadcast topic and nothing else.
///
/// With a `secondObserver`, the time until both observers saw every acknowledgement: the broker then delivers each
/// acknowledgement twice, as it does in Hookcast's broadcast (to the observer and to the gateway).
enum FanOutCeiling {
    static func measure(
        mqttPort: Int, topics: Topics, accounts: BenchAccounts, devices: Int, observer: AcknowledgementObserver,
        secondObserver: AcknowledgementObserver? = nil
    ) async throws -> Double? {
        let login = try accounts.login(BenchAccounts.fanOut)
        let publisher = try MQTTClient(
            configuration: MQTTClient.Configuration(
                port: mqttPort, clientID: "bench-fanout-\(UUID().uuidString.prefix(8))", username: login.username,
                password: login.password))
        try await publisher.connect()
        defer { Task { await publisher.disconnect() } }
        observer.reset()
        secondObserver?.reset()
        let id = UUID().uuidString.lowercased()
        let now = Date()
        let envelope = """
            {"event_id":"bench-all","expires_at":"\(Self.timestamp(now.addingTimeInterval(600)))",\
            "function":"send_sensor_event","id":"\(id)","issued_at":"\(Self.timestamp(now))","params":{},\
            "sensor_data":{"event":"bench","id":"0","value":0},"target":{"kind":"all"},"v":1}
            """
        var properties = MQTTPublishProperties()
        properties.correlationData = Array(id.utf8)
        properties.contentType = "application/json"
        let began = MonotonicClock.now
        try await publisher.publish(
            to: topics.allCommands, payload: Array(envelope.utf8), qos: .atLeastOnce, properties: properties)
        var last: UInt64 = 0
        for watching in [observer] + (secondObserver.map { [$0] } ?? []) {
            await watching.waitForAcknowledgements(limit: .seconds(60)) { $0 >= devices }
            guard let times = watching.snapshot().acknowledgementsByCommand[id], times.count >= devices else {
                return nil
            }
            let sortedTimes = times.sorted()
            last = max(last, sortedTimes[devices - 1])
            if watching === observer,
                let spread = AcknowledgementSpread.text(sortedTimes: sortedTimes, count: devices, start: began)
            {
                let reading = secondObserver == nil ? "" : " (acknowledgements read twice)"
                BenchLog.line("fan-out to \(devices)\(reading): \(spread) after the publish")
            }
        }
        return Double(last - began) / 1e6
    }

    private static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true))
    }
}
