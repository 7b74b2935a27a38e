import Foundation
import Mosquitto

/// The fan-out ceiling: one command envelope published straight to the broadcast topic through libmosquitto, and
/// the time until the observer saw every device's acknowledgement — what a broadcast costs with no gateway at all.
/// The publisher logs in with an account that may write the broadcast topic and nothing else.
///
/// With a `counter`, the time until both the observer and the counter saw every acknowledgement: the broker then
/// delivers each acknowledgement twice, as it does in Hookcast's broadcast (to the observer and to the gateway).
enum FanOutCeiling {
    static func measure(
        mqttPort: Int, accounts: BenchAccounts, devices: Int, observer: AcknowledgementObserver,
        counter: AcknowledgementCounter? = nil
    ) async throws -> Double? {
        let login = try accounts.login(BenchAccounts.fanOut)
        let publisher = try MQTTClient(
            configuration: MQTTClient.Configuration(
                port: mqttPort, clientID: "bench-fanout-\(UUID().uuidString.prefix(8))", username: login.username,
                password: login.password))
        try await publisher.connect()
        defer { Task { await publisher.disconnect() } }
        observer.reset()
        let id = UUID().uuidString.lowercased()
        counter?.expect(id)
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
            to: "hookcast/v1/all/commands", payload: Array(envelope.utf8), qos: .atLeastOnce, properties: properties)
        await observer.waitForAcknowledgements(limit: .seconds(60)) { $0 >= devices }
        guard let times = observer.snapshot().acknowledgementsByCommand[id], times.count >= devices else { return nil }
        var last = times.sorted()[devices - 1]
        if let counter {
            let deadline = ContinuousClock.now + .seconds(60)
            while counter.progress.count < devices, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(5))
            }
            let (count, lastArrivalAt) = counter.progress
            guard count >= devices else { return nil }
            last = max(last, lastArrivalAt)
        }
        return Double(last - began) / 1e6
    }

    private static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true))
    }
}
