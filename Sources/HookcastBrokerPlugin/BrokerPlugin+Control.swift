import CMosquittoBroker
import Foundation
import HookcastBrokerAccess
import HookcastProtocol

extension BrokerPlugin {
    /// A publish to `BrokerControl.requestTopic`: applies it, journals the changes (one write before answering, so
    /// an answered change survives a `kill -9`), disconnects whom it must and answers the sender on its response
    /// topic with its correlation data. A request without an allowed response topic is ignored: it could not be
    /// answered, and a change nobody hears of is worse than none.
    func control(_ event: mosquitto_evt_control) -> Int32 {
        deferredLog.drain()
        guard let clientIDPointer = mosquitto_client_id(event.client) else { return MOSQ_ERR_SUCCESS.rawValue }
        let clientID = String(cString: clientIDPointer)
        var responseTopicPointer: UnsafeMutablePointer<CChar>?
        _ = mosquitto_property_read_string(
            event.properties, Int32(MQTT_PROP_RESPONSE_TOPIC.rawValue), &responseTopicPointer, false)
        defer { mosquitto_free(responseTopicPointer) }
        guard let responseTopicPointer, ControlResponseTopic.isAllowed(String(cString: responseTopicPointer)) else {
            BrokerLog.warning(
                "control request from client \(clientID) ignored: its response topic is missing or not below "
                    + BrokerControl.responseTopic)
            return MOSQ_ERR_SUCCESS.rawValue
        }
        var correlation: UnsafeMutableRawPointer?
        var correlationLength: UInt16 = 0
        _ = mosquitto_property_read_binary(
            event.properties, Int32(MQTT_PROP_CORRELATION_DATA.rawValue), &correlation, &correlationLength, false)
        defer { mosquitto_free(correlation) }

        // One byte more than the limit is enough for the handler to refuse an oversized request, without copying
        // all of it.
        let length = min(Int(event.payloadlen), BrokerControl.maximumRequestBytes + 1)
        let request = event.payload.map { Data(bytes: $0, count: length) } ?? Data()
        let sender = mosquitto_client_username(event.client).map { String(cString: $0) }
        let outcome = state.handleControl(request, from: sender)

        journal(outcome.changes)
        for username in outcome.kicks { _ = mosquitto_kick_client_by_username(username, false) }
        answer(
            outcome.response, to: clientID, topic: responseTopicPointer,
            correlation: correlation.map { UnsafeRawBufferPointer(start: $0, count: Int(correlationLength)) })
        if !outcome.changes.isEmpty || !outcome.kicks.isEmpty {
            BrokerLog.info(
                "control request from \(sender ?? "?"): \(outcome.changes.count) changes, "
                    + "\(outcome.kicks.count) disconnects; \(state.devices.count) device accounts")
        }
        return MOSQ_ERR_SUCCESS.rawValue
    }

    /// Appends the changes to the journal; a compaction it has grown into waits for a pause in the changes
    /// (`CompactionSchedule`, started by `compactIfQuiet`) unless it is overdue. If the append fails the tables
    /// have changed all the same: a compaction then writes all of them at once, so the file catches up.
    private func journal(_ changes: [AccountChange]) {
        guard !changes.isEmpty else { return }
        do {
            try journal.append(changes)
        } catch {
            BrokerLog.error("the account journal could not be written (\(error)); writing a snapshot instead")
            journal.compact(snapshot: state.snapshot)
            return
        }
        if compactions.changed(journal.compactionNeed, at: .now) { journal.compact(snapshot: state.snapshot) }
    }

    /// On every turn of the broker's loop (at least ten a second): starts the compaction that waited for the
    /// changes to pause, once they have.
    func compactIfQuiet() {
        guard compactions.isWaiting, compactions.tick(at: .now), journal.needsCompaction else { return }
        journal.compact(snapshot: state.snapshot)
    }

    /// Publishes `response` to client `clientID` only, on `topic`, with the request's correlation data. The
    /// payload and the properties pass to the broker, which frees them, unless publishing fails.
    private func answer(
        _ response: Data, to clientID: String, topic: UnsafePointer<CChar>, correlation: UnsafeRawBufferPointer?
    ) {
        guard let payload = mosquitto_malloc(response.count) else {
            BrokerLog.error("no memory for the answer to client \(clientID)")
            return
        }
        response.copyBytes(to: payload.assumingMemoryBound(to: UInt8.self), count: response.count)
        var properties: OpaquePointer?
        if let correlation, let base = correlation.baseAddress {
            _ = mosquitto_property_add_binary(
                &properties, Int32(MQTT_PROP_CORRELATION_DATA.rawValue), base, UInt16(correlation.count))
        }
        let result = mosquitto_broker_publish(
            clientID, topic, Int32(response.count), payload, 1, false, properties)
        if result != MOSQ_ERR_SUCCESS.rawValue {
            mosquitto_free(payload)
            mosquitto_property_free_all(&properties)
            BrokerLog.error("the answer to client \(clientID) could not be published (\(result))")
        }
    }
}
