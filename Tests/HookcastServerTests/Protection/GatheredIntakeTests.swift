import Foundation
import HookcastCore
import HookcastProtocol
import HookcastTestSupport
import Mosquitto
import Testing

@testable import HookcastServer

/// The batches Hookcast's broker plugin gathers, as the gateway's intake reads them (issue 17): each acknowledgement
/// of a batch is read as if it had come alone, with the same refusals. Pure: the intake and its inbox, no broker.
@Suite struct GatheredIntakeTests {
    func payload(device: String, command: UUID) -> [UInt8] {
        Array(
            #"{"v":1,"command_id":"\#(command.uuidString.lowercased())","device_id":"\#(device)","status":"ok","executed_at":"2026-11-29T10:00:00.120Z"}"#
                .utf8)
    }

    func batch(_ entries: [GatheredAcknowledgements.Entry]) -> [UInt8] {
        var batch = GatheredAcknowledgements.Batch()
        for entry in entries { batch.append(entry) }
        return batch.take()
    }

    func intake(logsEachRead: Bool = false) -> AcknowledgementIntake {
        AcknowledgementIntake(
            reader: DeviceMessageReader(topics: testTopics), inbox: AcknowledgementInbox(), metrics: GatewayMetrics(),
            logsEachRead: logsEachRead)
    }

    @Test("Each acknowledgement of a batch is recorded; one speaking for another device is refused as alone")
    func eachAcknowledgementRead() async throws {
        let intake = intake()
        let (first, second, forged) = (UUID(), UUID(), UUID())
        let bytes = batch([
            .init(topic: "\(testTopics.root)/devices/d1/acks", payload: payload(device: "d1", command: first)),
            .init(topic: "\(testTopics.root)/devices/d2/acks", payload: payload(device: "d2", command: second)),
            .init(topic: "\(testTopics.root)/devices/d3/acks", payload: payload(device: "d1", command: forged)),
        ])
        intake.takeGathered(
            MQTTMessage(topic: testTopics.gatheredAcknowledgements, payload: bytes, qos: .atLeastOnce, retain: false))
        let (acknowledgements, presence) = intake.inbox.takeAll()
        #expect(presence.isEmpty)
        #expect(Set(acknowledgements.map(\.commandID)) == [first, second])
        #expect(Set(acknowledgements.map(\.deviceID.rawValue)) == ["d1", "d2"])
        intake.finish()
        var refused: [DeviceMessageReader.Reading] = []
        for await read in intake.slowLane { refused.append(read.reading) }
        #expect(refused == [.ignoredAcknowledgement(.otherDevice, device: try DeviceID("d3"))])
    }

    @Test("With every read logged, a batch's acknowledgements go the slow way with their traceparents")
    func traceparentKept() async throws {
        let intake = intake(logsEachRead: true)
        let trace = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        let bytes = batch([
            .init(
                topic: "\(testTopics.root)/devices/d1/acks", payload: payload(device: "d1", command: UUID()),
                traceparent: trace)
        ])
        intake.takeGathered(
            MQTTMessage(topic: testTopics.gatheredAcknowledgements, payload: bytes, qos: .atLeastOnce, retain: false))
        intake.finish()
        var reads: [AcknowledgementIntake.Read] = []
        for await read in intake.slowLane { reads.append(read) }
        #expect(reads.count == 1)
        #expect(reads.first?.message.properties.userProperties == [MQTTUserProperty("traceparent", trace)])
        #expect(reads.first?.message.topic == "\(testTopics.root)/devices/d1/acks")
    }

    @Test("A batch cut short: the whole acknowledgements before the cut are recorded")
    func cutShort() {
        let intake = intake()
        let command = UUID()
        let bytes = batch([
            .init(topic: "\(testTopics.root)/devices/d1/acks", payload: payload(device: "d1", command: command)),
            .init(topic: "\(testTopics.root)/devices/d2/acks", payload: payload(device: "d2", command: UUID())),
        ])
        intake.takeGathered(
            MQTTMessage(
                topic: testTopics.gatheredAcknowledgements, payload: Array(bytes.dropLast(5)), qos: .atLeastOnce,
                retain: false))
        #expect(intake.inbox.takeAll().0.map(\.commandID) == [command])
    }
}
