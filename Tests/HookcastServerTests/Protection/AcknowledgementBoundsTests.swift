import Foundation
import HookcastCore
import HookcastProtocol
import HookcastTestSupport
import Testing

@testable import HookcastServer

/// Issue 15, finding 2: what one device account can make the gateway hold. Before the fix an acknowledgement of
/// any size, with any `detail`, was parsed and stored; each of these tests failed then (the reader did not exist,
/// and `Acknowledgement.decode` accepted both payloads). Pure: the reader and the inbox, without a broker.
@Suite struct AcknowledgementBoundsTests {
    let reader = DeviceMessageReader(topics: testTopics)
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func payload(device: String = "d1", detail: String?) throws -> [UInt8] {
        var object: [String: Any] = [
            "v": 1, "command_id": UUID().uuidString.lowercased(), "device_id": device, "status": "failed",
            "executed_at": "2026-11-29T10:00:00.120Z",
        ]
        if let detail { object["detail"] = detail }
        return Array(try JSONSerialization.data(withJSONObject: object))
    }

    @Test("An acknowledgement over 16 KiB is refused as too large before it is parsed")
    func oversizedPayload() throws {
        // Valid JSON padded with whitespace: only its size is wrong.
        let padded = try payload(detail: nil) + Array(repeating: UInt8(ascii: " "), count: Acknowledgement.maximumSize)
        #expect(
            reader.read(topic: "\(testTopics.root)/devices/d1/acks", payload: padded, receivedAt: now)
                == .ignoredAcknowledgement(.tooLarge, device: try DeviceID("d1")))
    }

    @Test("A detail over 1 KiB is refused as too large; one of exactly 1 KiB is recorded")
    func detailBound() throws {
        let topic = "\(testTopics.root)/devices/d1/acks"
        let long = try payload(detail: String(repeating: "é", count: 513))  // 1026 UTF-8 bytes
        #expect(
            reader.read(topic: topic, payload: long, receivedAt: now)
                == .ignoredAcknowledgement(.tooLarge, device: try DeviceID("d1")))
        let fits = try payload(detail: String(repeating: "x", count: Acknowledgement.maximumDetailSize))
        guard case .acknowledgement(let record) = reader.read(topic: topic, payload: fits, receivedAt: now) else {
            Issue.record("a detail of exactly the limit is an acknowledgement")
            return
        }
        #expect(record.detail?.utf8.count == Acknowledgement.maximumDetailSize)
        #expect(
            reader.read(topic: topic, payload: Array("not json".utf8), receivedAt: now)
                == .ignoredAcknowledgement(.malformed, device: try DeviceID("d1")))
    }

    @Test("A device's own long detail is cut at a character boundary, so the gateway still takes its answer")
    func agentShortensDetail() throws {
        let ack = Acknowledgement(
            commandID: UUID(), deviceID: try DeviceID("d1"), status: .failed,
            detail: "a" + String(repeating: "é", count: 1000), executedAt: now)
        let detail = try #require(ack.detail)
        #expect(detail.utf8.count <= Acknowledgement.maximumDetailSize)
        #expect(detail.utf8.count >= Acknowledgement.maximumDetailSize - 1)
        #expect(try Acknowledgement.decode(ack.encoded()) == ack)
    }

    func record(_ device: String, command: UUID = UUID(), detail: String? = nil) throws -> AcknowledgementRecord {
        AcknowledgementRecord(
            commandID: command, deviceID: try DeviceID(device), state: .ok, detail: detail, executedAt: now,
            receivedAt: now)
    }

    @Test("A flood from one device is bounded per device and in all, counted, and leaves other devices room")
    func floodIsBounded() throws {
        let inbox = AcknowledgementInbox(
            limits: .init(acknowledgementsPerDevice: 10, acknowledgements: 15, presencePerDevice: 4))
        var dropped = AcknowledgementInbox.Dropped()
        for _ in 0..<1_000 {
            dropped.acknowledgements += inbox.add(.acknowledgement(try record("flood"))).acknowledgements
        }
        #expect(dropped.acknowledgements == 990)
        // Another device still gets in, up to the total.
        for _ in 0..<10 { dropped.acknowledgements += inbox.add(.acknowledgement(try record("calm"))).acknowledgements }
        #expect(dropped.acknowledgements == 995)
        let (acknowledgements, _) = inbox.takeAll()
        #expect(acknowledgements.count == 15)
        #expect(acknowledgements.filter { $0.deviceID.rawValue == "flood" }.count == 10)
        // Taken: room again.
        #expect(inbox.add(.acknowledgement(try record("flood"))).isEmpty)
    }

    @Test("Answers repeated for one command coalesce to the latest, whatever their number")
    func repeatsCoalesce() throws {
        let inbox = AcknowledgementInbox(
            limits: .init(acknowledgementsPerDevice: 2, acknowledgements: 2, presencePerDevice: 4))
        let command = UUID()
        for index in 0..<1_000 {
            #expect(inbox.add(.acknowledgement(try record("d1", command: command, detail: "\(index)"))).isEmpty)
        }
        let (acknowledgements, _) = inbox.takeAll()
        #expect(acknowledgements.map(\.detail) == ["999"])
    }

    @Test("Presence coalesces per device to its changes, keeping the newest; a flood keeps at most the bound")
    func presenceCoalesces() throws {
        let inbox = AcknowledgementInbox(
            limits: .init(acknowledgementsPerDevice: 10, acknowledgements: 10, presencePerDevice: 4))
        let device = try DeviceID("d1")
        var dropped = 0
        for index in 0..<1_000 {
            let update = DevicePresence(
                deviceID: device, online: index % 2 == 0, since: now.addingTimeInterval(Double(index)),
                agentVersion: nil)
            dropped += inbox.add(.presence(update)).presence
        }
        let (_, presence) = inbox.takeAll()
        #expect(presence.count == 4 && dropped == 996)
        #expect(presence.last?.since == now.addingTimeInterval(999))
        // The same status again replaces the waiting one: no growth, nothing dropped.
        for index in 0..<100 {
            let update = DevicePresence(
                deviceID: device, online: true, since: now.addingTimeInterval(Double(index)), agentVersion: "1")
            #expect(inbox.add(.presence(update)).isEmpty)
        }
        let (_, again) = inbox.takeAll()
        #expect(again.map(\.since) == [now.addingTimeInterval(99)])
    }

    @Test("A batch put back after a failed write keeps what arrived meanwhile as the newer answer")
    func putBackKeepsNewer() throws {
        let inbox = AcknowledgementInbox()
        let command = UUID()
        inbox.add(.acknowledgement(try record("d1", command: command, detail: "old")))
        let (taken, presence) = inbox.takeAll()
        inbox.add(.acknowledgement(try record("d1", command: command, detail: "new")))
        #expect(inbox.putBack(taken, presence).isEmpty)
        #expect(inbox.takeAll().0.map(\.detail) == ["new"])
    }
}
