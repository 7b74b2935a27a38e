import CMosquittoBroker
import Foundation
import HookcastBrokerAccess
import HookcastProtocol

// Devices' acknowledgements, gathered for the gateways that subscribe to `Topics.gatheredAcknowledgements`: a gateway
// reads a broadcast's 10,000 answers in a few dozen messages, and the broker writes those instead of 10,000
// (bench/README.md, issue 17). Everything runs on the broker's thread.

extension BrokerPlugin {
    /// Copies an acknowledgement the broker accepted into the loop's batch (with its `traceparent`, which the
    /// gateway logs), and publishes the batch at once if it is full.
    func gather(_ event: mosquitto_evt_message, topic: UnsafePointer<CChar>) {
        let payload = UnsafeRawBufferPointer(start: event.payload, count: Int(event.payloadlen))
        let due = withTraceparent(of: event.properties) { traceparent in
            gathering.gather(topic: topic, payload: payload, traceparent: traceparent)
        }
        if due { publishGathered() }
    }

    /// Publishes what was gathered since the last batch, QoS 1, to every subscriber of the batches' topic (one
    /// member of each shared group). mosquitto queues it and sends it at the start of its loop's next turn.
    func publishGathered() {
        guard let batch = gathering.takeBatch(), let payload = mosquitto_malloc(batch.count) else { return }
        batch.withUnsafeBytes { bytes in
            if let base = bytes.baseAddress { payload.copyMemory(from: base, byteCount: bytes.count) }
        }
        let result = mosquitto_broker_publish(
            nil, options.topics.gatheredAcknowledgements, Int32(batch.count), payload, 1, false, nil)
        if result != MOSQ_ERR_SUCCESS.rawValue {
            mosquitto_free(payload)
            // The devices' redelivery repairs it: a command not acknowledged to the gateway is sent again.
            BrokerLog.error("a batch of gathered acknowledgements could not be published (\(result))")
        }
    }

    /// Calls `body` with the value of the first `traceparent` user property in `properties`, or nil.
    private func withTraceparent<Result>(
        of properties: OpaquePointer?, _ body: (UnsafeRawBufferPointer?) -> Result
    ) -> Result {
        guard properties != nil else { return body(nil) }
        var skipFirst = false
        var current = properties
        while true {
            var name: UnsafeMutablePointer<CChar>?
            var value: UnsafeMutablePointer<CChar>?
            guard
                let found = mosquitto_property_read_string_pair(
                    current, Int32(MQTT_PROP_USER_PROPERTY.rawValue), &name, &value, skipFirst)
            else { return body(nil) }
            defer {
                mosquitto_free(name)
                mosquitto_free(value)
            }
            if let name, let value, strcmp(name, TraceContext.traceparentName) == 0 {
                return body(UnsafeRawBufferPointer(start: value, count: strlen(value)))
            }
            current = found
            skipFirst = true
        }
    }
}
