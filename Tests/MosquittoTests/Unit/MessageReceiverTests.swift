import Testing

@testable import Mosquitto

/// A subscription's bounded buffer, without a broker: the network thread never waits, and its owner learns what
/// was dropped.
@Suite struct MessageReceiverTests {
    @Test("A bounded buffer keeps the oldest messages and counts the ones it had no room for")
    func boundedBufferCountsDrops() async {
        let (stream, continuation) = AsyncStream.makeStream(
            of: MQTTMessage.self, bufferingPolicy: MQTTSubscription.Buffering.bounded(2).policy)
        let dropped = DroppedMessages()
        let receiver = MessageReceiver(continuation: continuation, dropped: dropped)
        for index in 0..<5 {
            receiver.yield(MQTTMessage(topic: "t", payload: [UInt8(index)], qos: .atMostOnce, retain: false))
        }
        receiver.finish()
        #expect(dropped.total == 3)
        var payloads: [[UInt8]] = []
        for await message in stream { payloads.append(message.payload) }
        #expect(payloads == [[0], [1]])
    }

    @Test("A payload over the maximum is dropped before it takes a place, and counted apart")
    func oversizedIsDroppedUnbuffered() async {
        let buffering = MQTTSubscription.Buffering.bounded(2, maximumPayloadSize: 3)
        let (stream, continuation) = AsyncStream.makeStream(of: MQTTMessage.self, bufferingPolicy: buffering.policy)
        let receiver = MessageReceiver(
            continuation: continuation, dropped: DroppedMessages(), maximumPayloadSize: buffering.maximumPayloadSize)
        for size in [4, 3, 100, 1] {
            receiver.yield(
                MQTTMessage(
                    topic: "t", payload: Array(repeating: 0, count: size), qos: .atMostOnce, retain: false))
        }
        receiver.finish()
        #expect(receiver.dropped.oversized == 2 && receiver.dropped.total == 0)
        var sizes: [Int] = []
        for await message in stream { sizes.append(message.payload.count) }
        #expect(sizes == [3, 1])
    }

    @Test("An unbounded buffer drops nothing")
    func unboundedKeepsAll() async {
        let (stream, continuation) = AsyncStream.makeStream(
            of: MQTTMessage.self, bufferingPolicy: MQTTSubscription.Buffering.unbounded.policy)
        let receiver = MessageReceiver(continuation: continuation, dropped: DroppedMessages())
        for index in 0..<1_000 {
            receiver.yield(MQTTMessage(topic: "t", payload: [UInt8(index % 256)], qos: .atMostOnce, retain: false))
        }
        receiver.finish()
        #expect(receiver.dropped.total == 0)
        var count = 0
        for await _ in stream { count += 1 }
        #expect(count == 1_000)
    }
}
