import HookcastProtocol
import Testing

@Suite("The batches of acknowledgements the broker plugin gathers")
struct GatheredAcknowledgementsTests {
    func batch(_ entries: [GatheredAcknowledgements.Entry]) -> [UInt8] {
        var batch = GatheredAcknowledgements.Batch()
        for entry in entries {
            let appended = batch.append(entry)
            #expect(appended)
        }
        #expect(batch.count == entries.count)
        return batch.take()
    }

    func read(_ bytes: [UInt8]) -> (entries: [GatheredAcknowledgements.Entry], whole: Bool) {
        var entries: [GatheredAcknowledgements.Entry] = []
        let whole = GatheredAcknowledgements.read(bytes) { entries.append($0) }
        return (entries, whole)
    }

    @Test("a batch reads back as the acknowledgements appended, in order, with their traceparents")
    func roundTrip() {
        let entries = [
            GatheredAcknowledgements.Entry(topic: "hookcast/v1/devices/d1/acks", payload: Array(#"{"v":1}"#.utf8)),
            GatheredAcknowledgements.Entry(
                topic: "hookcast/v1/devices/lobby-2/acks", payload: [],
                traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
            GatheredAcknowledgements.Entry(
                topic: "hookcast/v1/devices/d3/acks", payload: Array(repeating: UInt8(ascii: "x"), count: 70_000)),
        ]
        let bytes = batch(entries)
        #expect(bytes.first == GatheredAcknowledgements.format)
        let (read, whole) = read(bytes)
        #expect(whole)
        #expect(read == entries)
    }

    @Test("a batch cut short, of another format or empty of entries: what is whole is read, the rest reported")
    func malformed() {
        let entries = [
            GatheredAcknowledgements.Entry(topic: "hookcast/v1/devices/d1/acks", payload: Array("one".utf8)),
            GatheredAcknowledgements.Entry(topic: "hookcast/v1/devices/d2/acks", payload: Array("two".utf8)),
        ]
        let bytes = batch(entries)
        for cut in 1..<bytes.count {
            let (read, whole) = read(Array(bytes[..<cut]))
            // Only a cut right after the first entry leaves a batch that is whole.
            let firstEnd = 1 + 2 + entries[0].topic.utf8.count + 4 + 3 + 1
            #expect(whole == (cut == firstEnd || cut == 1), "cut at \(cut)")
            #expect(read.count == (cut >= firstEnd ? 1 : 0), "cut at \(cut)")
        }
        #expect(read([]).whole == false)
        #expect(read([2] + bytes.dropFirst()).whole == false)
        #expect(read([2] + bytes.dropFirst()).entries.isEmpty)
        // A length that runs past the end is refused, not trusted.
        #expect(read([1, 0xFF, 0xFF, 0x61]) == ([], false))
    }

    @Test("a traceparent too long for its length byte is left out; the acknowledgement is kept")
    func longTraceparent() {
        var batch = GatheredAcknowledgements.Batch()
        let long = GatheredAcknowledgements.Entry(
            topic: "t", payload: Array("p".utf8), traceparent: String(repeating: "a", count: 300))
        let appended = batch.append(long)
        #expect(appended)
        let (read, whole) = read(batch.take())
        #expect(whole)
        #expect(read == [GatheredAcknowledgements.Entry(topic: "t", payload: Array("p".utf8))])
        #expect(batch.isEmpty)
    }

    @Test("the gateway's subscription to the batches is recognised plainly and shared, nothing else")
    func subscriptions() throws {
        let topics = try Topics(prefix: "acme/signage")
        #expect(topics.gatheredAcknowledgements == "acme/signage/broker/acks")
        #expect(Topics.standard.gatheredAcknowledgements == "hookcast/v1/broker/acks")
        #expect(GatheredAcknowledgements.isSubscription("acme/signage/broker/acks", topics: topics))
        #expect(
            GatheredAcknowledgements.isSubscription("$share/hookcast-gateways/acme/signage/broker/acks", topics: topics)
        )
        for filter in [
            "$share//acme/signage/broker/acks", "$share/g", "$share/g/acme/signage/broker/acks/x",
            "acme/signage/broker/#", "acme/signage/+/acks", "#", "$share/g/#", "hookcast/v1/broker/acks",
            "xacme/signage/broker/acks",
        ] {
            #expect(!GatheredAcknowledgements.isSubscription(filter, topics: topics), "\(filter)")
        }
    }
}
