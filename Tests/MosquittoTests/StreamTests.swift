import HookcastTestSupport
import Testing

@testable import Mosquitto

@Suite("Many messages from many tasks")
struct StreamTests {
    @Test("100,000 QoS 1 messages from 50 concurrent tasks all arrive, each counted once")
    func hundredThousandMessages() async throws {
        let total = 100_000
        let publishers = 50
        let publisher = try await ClientFactory.connected()
        let subscriber = try await ClientFactory.connected()
        let topic = ClientFactory.uniqueTopic()
        let subscription = try await subscriber.subscribe(to: "\(topic)/#")

        let receiving = Task {
            var seen = [Bool](repeating: false, count: total)
            var unique = 0
            var duplicates = 0
            var malformed = 0
            for await message in subscription {
                guard let index = Int(message.payloadString.prefix(while: { $0 != ":" })), index < total else {
                    malformed += 1
                    continue
                }
                if seen[index] { duplicates += 1 } else { seen[index] = true; unique += 1 }
                if unique == total { break }
            }
            return (unique, duplicates, malformed)
        }

        let padding = String(repeating: "x", count: 180)
        let started = ContinuousClock.now
        let notSuccess = try await withThrowingTaskGroup(of: Int.self) { group in
            for worker in 0..<publishers {
                group.addTask {
                    var notSuccess = 0
                    for index in stride(from: worker, to: total, by: publishers) {
                        let result = try await publisher.publish(
                            to: "\(topic)/\(worker)", payload: Array("\(index):\(padding)".utf8))
                        if result.reasonCode != .success { notSuccess += 1 }
                    }
                    return notSuccess
                }
            }
            return try await group.reduce(0, +)
        }
        let published = ContinuousClock.now - started
        let (unique, duplicates, malformed) = try await withTimeout(.seconds(60), "receiving") { await receiving.value }
        print(
            "stream: published \(total) QoS 1 messages in \(published), received \(unique) unique, \(duplicates) duplicates"
        )
        #expect(notSuccess == 0)
        #expect(unique == total)
        #expect(malformed == 0)
        await publisher.disconnect()
        await subscriber.disconnect()
    }
}

@Suite("A bounded subscription on the broker")
struct BoundedSubscriptionTests {
    @Test("A subscription bounded to 5 that nobody reads keeps the first 5 of 50 and counts 45 dropped")
    func floodIsDroppedAndCounted() async throws {
        let publisher = try await ClientFactory.connected()
        let subscriber = try await ClientFactory.connected()
        let topic = ClientFactory.uniqueTopic()
        let subscription = try await subscriber.subscribe(to: topic, buffering: .bounded(5))
        for index in 0..<50 { _ = try await publisher.publish(to: topic, payload: Array("\(index)".utf8)) }
        // QoS 1 in order on one connection: every message reaches the client; none is read meanwhile.
        try await withTimeout(.seconds(120), "the 45 drops are counted") {
            while subscription.droppedMessages < 45 { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(subscription.droppedMessages == 45)
        let kept = try await subscription.collect(5)
        #expect(kept.map(\.payloadString) == ["0", "1", "2", "3", "4"])
        await publisher.disconnect()
        await subscriber.disconnect()
    }

    @Test("A payload over the subscription's maximum is dropped and counted, and what fits arrives in order")
    func oversizedIsDropped() async throws {
        let publisher = try await ClientFactory.connected()
        let subscriber = try await ClientFactory.connected()
        let topic = ClientFactory.uniqueTopic()
        let subscription = try await subscriber.subscribe(
            to: topic, buffering: .bounded(100, maximumPayloadSize: 1024))
        _ = try await publisher.publish(to: topic, payload: Array("first".utf8))
        _ = try await publisher.publish(to: topic, payload: Array(repeating: 0x61, count: 1025))
        _ = try await publisher.publish(to: topic, payload: Array("last".utf8))
        let kept = try await subscription.collect(2)
        #expect(kept.map(\.payloadString) == ["first", "last"])
        #expect(subscription.oversizedMessages == 1 && subscription.droppedMessages == 0)
        await publisher.disconnect()
        await subscriber.disconnect()
    }
}
