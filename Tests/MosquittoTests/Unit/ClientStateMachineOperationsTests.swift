import CMosquitto
import Testing

@testable import Mosquitto

@Suite("Client state machine: acknowledgements and subscriptions")
struct ClientStateMachineOperationsTests {
    private func connected() -> StateMachineHarness {
        var harness = StateMachineHarness()
        harness.connect()
        return harness
    }

    @Test("an acknowledgement resumes the operation recorded under its mid")
    func acknowledgementAfterRegistration() {
        var harness = connected()
        #expect(harness.machine.register(.publish(topic: "t", 5), mid: 42, now: harness.now).isEmpty)
        #expect(harness.machine.pending.count == 1)
        let acknowledged = harness.machine.acknowledge(mid: 42, .published(reasonCode: 0), now: harness.now)
        #expect(acknowledged.resumed == [.success(5, .published(MQTTPublishResult(reasonCode: .success)))])
        #expect(harness.machine.pending.isEmpty)
    }

    @Test("an acknowledgement that arrives before its mid is recorded is kept and answers the registration")
    func earlyAcknowledgement() {
        var harness = connected()
        #expect(harness.machine.acknowledge(mid: 7, .subscribed(reasonCode: 1), now: harness.now).isEmpty)
        let registered = harness.machine.register(.subscribe(filter: "a/+", 6), mid: 7, now: harness.now)
        #expect(registered.resumed == [.success(6, .done)])
        #expect(harness.machine.pending.isEmpty)
        #expect(harness.machine.earlyAcknowledgements.isEmpty)
    }

    @Test("early acknowledgements nobody claimed are forgotten after two seconds")
    func staleEarlyAcknowledgements() {
        var harness = connected()
        harness.run(harness.machine.acknowledge(mid: 8, .unsubscribed, now: harness.now))
        harness.advance(by: .seconds(3))
        harness.run(harness.machine.sweep(now: harness.now).action)
        #expect(harness.machine.register(.unsubscribe(9), mid: 8, now: harness.now).isEmpty)
        #expect(harness.machine.pending.count == 1)
    }

    @Test("operations not acknowledged within acknowledgementTimeout fail; background ones are only dropped")
    func pendingOperationsExpire() {
        var harness = connected()
        harness.run(harness.machine.register(.publish(topic: "t", 1), mid: 1, now: harness.now))
        harness.run(harness.machine.register(.background(filter: "f"), mid: 2, now: harness.now))
        harness.advance(by: .seconds(20))
        harness.run(harness.machine.register(.unsubscribe(3), mid: 3, now: harness.now))
        harness.advance(by: .seconds(10))
        let (expired, continues) = harness.machine.sweep(now: harness.now)
        #expect(continues)
        #expect(expired.resumed == [.failure(1, .acknowledgementTimedOut(after: .seconds(30)))])
        #expect(Array(harness.machine.pending.keys) == [3])
    }

    @Test("an operation registered after the client closed fails at once")
    func registerAfterClose() throws {
        var harness = connected()
        try harness.close()
        let registered = harness.machine.register(.publish(topic: "t", 4), mid: 1, now: harness.now)
        #expect(registered.resumed == [.failure(4, .clientClosed)])
        #expect(harness.machine.pending.isEmpty)
    }

    @Test("a refused background subscription is logged, not thrown at anyone")
    func refusedBackgroundSubscription() {
        var harness = connected()
        harness.machine.subscriptionRestored(filter: "secret/#", mid: 11, now: harness.now)
        let refused = harness.machine.acknowledge(mid: 11, .subscribed(reasonCode: 0x87), now: harness.now)
        #expect(refused.effects == [.logRefusedSubscription(filter: "secret/#", reason: .notAuthorized)])
        #expect(refused.resumptions.isEmpty)
    }

    @Test("a restored SUBSCRIBE answers a caller still waiting on the same filter under the new mid")
    func restoredSubscriptionTakesOverTheWaiter() {
        var harness = connected()
        harness.run(harness.machine.register(.subscribe(filter: "a/#", 3), mid: 20, now: harness.now))
        harness.machine.subscriptionRestored(filter: "a/#", mid: 21, now: harness.now)
        #expect(Array(harness.machine.pending.keys) == [21])
        #expect(harness.machine.acknowledge(mid: 20, .subscribed(reasonCode: 1), now: harness.now).isEmpty)
        let answered = harness.machine.acknowledge(mid: 21, .subscribed(reasonCode: 1), now: harness.now)
        #expect(answered.resumed == [.success(3, .done)])
    }

    @Test("mids wrap to 16 bits, as packet identifiers do")
    func midsAreSixteenBits() {
        var harness = connected()
        harness.run(harness.machine.register(.unsubscribe(1), mid: 65536 + 5, now: harness.now))
        #expect(harness.machine.acknowledge(mid: 5, .unsubscribed, now: harness.now).resumed == [.success(1, .done)])
    }

    @Test("an orderly shutdown waits only while connected with acknowledgements outstanding")
    func awaitsAcknowledgements() {
        var harness = connected()
        #expect(!harness.machine.awaitsAcknowledgements)
        harness.run(harness.machine.register(.publish(topic: "t", 1), mid: 1, now: harness.now))
        #expect(harness.machine.awaitsAcknowledgements)
        harness.run(
            harness.machine.connectionEnded(code: MOSQ_ERR_CONN_LOST.rawValue, reason: "lost", now: harness.now))
        #expect(!harness.machine.awaitsAcknowledgements)
    }

    // MARK: Subscriptions

    @Test("subscriptions made before connect() are sent while connecting, with the highest QoS asked per filter")
    func subscribedFilters() throws {
        var harness = StateMachineHarness()
        let first = try harness.machine.addSubscription(filter: "a/#", options: .init(qos: .atMostOnce), receiver: "r1")
        #expect(first.beforeConnect)
        _ = try harness.machine.addSubscription(filter: "a/#", options: .init(qos: .atLeastOnce), receiver: "r2")
        _ = try harness.machine.addSubscription(filter: "b", options: .init(qos: .atMostOnce), receiver: "r3")
        #expect(harness.machine.subscribedFilters == ["a/#": .init(qos: .atLeastOnce), "b": .init(qos: .atMostOnce)])
        harness.connect()
        let later = try harness.machine.addSubscription(filter: "c", options: .init(qos: .atLeastOnce), receiver: "r4")
        #expect(!later.beforeConnect)
    }

    @Test("receivers of one filter share its options: the retain flag as published when any of them asked for it")
    func mergedSubscriptionOptions() throws {
        var harness = connected()
        _ = try harness.machine.addSubscription(filter: "a", options: .init(qos: .atMostOnce), receiver: "r1")
        _ = try harness.machine.addSubscription(
            filter: "a", options: .init(qos: .atLeastOnce, retainAsPublished: true), receiver: "r2")
        _ = try harness.machine.addSubscription(filter: "b", options: .init(qos: .atLeastOnce), receiver: "r3")
        #expect(
            harness.machine.subscribedFilters == [
                "a": .init(qos: .atLeastOnce, retainAsPublished: true), "b": .init(qos: .atLeastOnce),
            ])
        #expect(harness.machine.subscribedOptions(of: "a") == .init(qos: .atLeastOnce, retainAsPublished: true))
        #expect(harness.machine.subscribedOptions(of: "c") == nil)
        #expect(MQTTSubscriptionOptions(retainAsPublished: true).flags == 0x08)
        #expect(MQTTSubscriptionOptions().flags == 0)
    }

    @Test("a message goes to every receiver whose filter matches, shared subscriptions included")
    func receiversForTopic() throws {
        var harness = connected()
        _ = try harness.machine.addSubscription(
            filter: "devices/+/commands", options: .init(qos: .atLeastOnce), receiver: "one")
        _ = try harness.machine.addSubscription(
            filter: "$share/g/devices/#", options: .init(qos: .atLeastOnce), receiver: "shared")
        _ = try harness.machine.addSubscription(filter: "other", options: .init(qos: .atLeastOnce), receiver: "none")
        #expect(Set(harness.machine.receivers(forTopic: "devices/d1/commands")) == ["one", "shared"])
        #expect(harness.machine.receivers(forTopic: "devices/d1/state") == ["shared"])
    }

    @Test("a filter is dropped at the broker only when its last receiver goes and the client is connected")
    func removingSubscriptions() throws {
        var harness = connected()
        let first = try harness.machine.addSubscription(filter: "a", options: .init(qos: .atLeastOnce), receiver: "r1")
        let second = try harness.machine.addSubscription(filter: "a", options: .init(qos: .atLeastOnce), receiver: "r2")
        #expect(harness.machine.removeSubscription(first.identifier) == nil)
        #expect(harness.machine.removeSubscription(second.identifier) == "a")
        #expect(harness.machine.removeSubscription(second.identifier) == nil)

        let third = try harness.machine.addSubscription(filter: "b", options: .init(qos: .atLeastOnce), receiver: "r3")
        harness.run(
            harness.machine.connectionEnded(code: MOSQ_ERR_CONN_LOST.rawValue, reason: "lost", now: harness.now))
        #expect(harness.machine.removeSubscription(third.identifier) == nil)
    }

    @Test("unsubscribing hands back every receiver on the filter, to be finished")
    func unsubscribeFilter() throws {
        var harness = connected()
        _ = try harness.machine.addSubscription(filter: "a", options: .init(qos: .atLeastOnce), receiver: "r1")
        _ = try harness.machine.addSubscription(filter: "a", options: .init(qos: .atLeastOnce), receiver: "r2")
        _ = try harness.machine.addSubscription(filter: "b", options: .init(qos: .atLeastOnce), receiver: "r3")
        let (receivers, connected) = harness.machine.removeSubscriptions(filter: "a")
        #expect(Set(receivers) == ["r1", "r2"])
        #expect(connected)
        #expect(harness.machine.subscribedFilters == ["b": .init(qos: .atLeastOnce)])
    }

    @Test("a closed client takes no subscriptions and hands back the receivers it had")
    func subscriptionsAfterClose() throws {
        var harness = connected()
        _ = try harness.machine.addSubscription(filter: "a", options: .init(qos: .atLeastOnce), receiver: "r1")
        try harness.close()
        #expect(throws: MQTTError.clientClosed) {
            try harness.machine.addSubscription(filter: "b", options: .init(qos: .atLeastOnce), receiver: "r2")
        }
        let (receivers, _) = harness.machine.takeStreams()
        #expect(receivers == ["r1"])
        #expect(harness.machine.subscribedFilters.isEmpty)
    }
}
