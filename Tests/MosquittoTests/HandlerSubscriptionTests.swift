import HookcastTestSupport
import Synchronization
import Testing

@testable import Mosquitto

@Suite("A subscription with a handler on the broker")
struct HandlerSubscriptionTests {
    /// What the handler was given, and on which thread: the network thread calls it, never a task's.
    final class Received: Sendable {
        let payloads = Mutex<[String]>([])
        let onTaskThread = Atomic<Int>(0)

        func take(_ message: MQTTMessage) {
            if withUnsafeCurrentTask(body: { $0 != nil }) {
                onTaskThread.add(1, ordering: .relaxed)
            }
            payloads.withLock { $0.append(message.payloadString) }
        }
        var count: Int { payloads.withLock { $0.count } }
    }

    @Test("Every message reaches the handler in order, outside any task, and the subscription yields none")
    func messagesReachTheHandlerInOrder() async throws {
        let publisher = try await ClientFactory.connected()
        let subscriber = try await ClientFactory.connected()
        let topic = ClientFactory.uniqueTopic()
        let received = Received()
        let subscription = try await subscriber.subscribe(to: "\(topic)/#", handler: received.take)
        let yielded = Task {
            var count = 0
            for await _ in subscription { count += 1 }
            return count
        }
        for index in 0..<1_000 {
            _ = try await publisher.publish(to: "\(topic)/\(index % 7)", payload: Array("\(index)".utf8))
        }
        try await withTimeout(.seconds(120), "the handler saw all 1,000") {
            while received.count < 1_000 { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(received.payloads.withLock { $0 } == (0..<1_000).map(String.init))
        #expect(received.onTaskThread.load(ordering: .relaxed) == 0)
        yielded.cancel()
        #expect(await yielded.value == 0)
        await publisher.disconnect()
        await subscriber.disconnect()
    }

    @Test("Ending the iteration ends the handler's calls; another subscription to the filter still receives")
    func endingTheIterationEndsTheCalls() async throws {
        let publisher = try await ClientFactory.connected()
        let subscriber = try await ClientFactory.connected()
        let topic = ClientFactory.uniqueTopic()
        // Subscribed first and kept: the broker keeps sending on the filter, so only the receiver's removal can
        // keep the handler from being called.
        let witness = try await subscriber.subscribe(to: topic)
        let received = Received()
        let subscription = try await subscriber.subscribe(to: topic, handler: received.take)
        _ = try await publisher.publish(to: topic, payload: Array("before".utf8))
        #expect(try await witness.collect(1).map(\.payloadString) == ["before"])
        let iterating = Task { for await _ in subscription {} }
        iterating.cancel()
        await iterating.value
        try await withTimeout(.seconds(60), "the handler's receiver removed") {
            while subscriber.handle.state.withLock({ $0.subscriptions.count }) > 1 {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        _ = try await publisher.publish(to: topic, payload: Array("after".utf8))
        _ = try await publisher.publish(to: topic, payload: Array("later".utf8))
        // One network thread hands each message to every receiver before it reads the next: once the witness has
        // "later", the handler has been given "after" if it was going to be.
        #expect(try await witness.collect(2).map(\.payloadString) == ["after", "later"])
        #expect(received.payloads.withLock { $0 } == ["before"])
        await publisher.disconnect()
        await subscriber.disconnect()
    }
}
