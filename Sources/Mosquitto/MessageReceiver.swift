import Synchronization

/// Where the network thread delivers one subscription's messages: its stream, and the count of those the stream's
/// buffer had no room for. Yielding never blocks: a full bounded buffer drops the message and counts it, and so
/// does a payload over `maximumPayloadSize`, before it takes a place in the buffer. A subscription made with a
/// handler (`MQTTClient.subscribe(to:options:handler:)`) has the network thread call it instead, and its stream
/// only ends.
struct MessageReceiver: Sendable {
    let continuation: AsyncStream<MQTTMessage>.Continuation
    let dropped: DroppedMessages
    var maximumPayloadSize: Int? = nil
    var handler: MQTTMessageHandler? = nil

    func yield(_ message: MQTTMessage) {
        if let maximumPayloadSize, message.payload.count > maximumPayloadSize {
            dropped.addOversized()
            return
        }
        if let handler {
            handler(message)
            return
        }
        if case .dropped = continuation.yield(message) { dropped.add() }
    }

    func finish() { continuation.finish() }
}

/// A count shared by a subscription's receiver (the network thread adds) and its owner (who reads).
final class DroppedMessages: Sendable {
    private let count = Atomic<Int>(0)
    private let oversizedCount = Atomic<Int>(0)

    func add() { count.add(1, ordering: .relaxed) }
    func addOversized() { oversizedCount.add(1, ordering: .relaxed) }
    var total: Int { count.load(ordering: .relaxed) }
    var oversized: Int { oversizedCount.load(ordering: .relaxed) }
}
