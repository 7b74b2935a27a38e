import CMosquitto
import Testing

@testable import Mosquitto

@Suite("Client state machine: observers of the connection state")
struct ClientStateMachineObserverTests {
    @Test("an observer is told the current state first, then every change, in order")
    func everyTransition() throws {
        var harness = StateMachineHarness()
        harness.observe("early")
        harness.startConnecting()
        harness.observe("late")
        harness.receiveConnack()
        harness.run(
            harness.machine.connectionEnded(code: MOSQ_ERR_CONN_LOST.rawValue, reason: "lost", now: harness.now))
        try harness.close()
        let closed: [MQTTConnectionState] = [
            .connected(sessionPresent: false), .disconnected(reason: "lost"), .closed,
        ]
        #expect(harness.toldStates("early") == [.idle, .connecting] + closed)
        #expect(harness.toldStates("late") == [.connecting] + closed)
    }

    @Test("a state the client is already in is not announced again")
    func noRepeats() {
        var harness = StateMachineHarness()
        harness.connect()
        harness.observe("watcher")
        harness.run(harness.machine.subscriptionsRestored(sessionPresent: false, waiter: nil))
        #expect(harness.toldStates("watcher") == [.connected(sessionPresent: false)])
    }

    @Test("one caller delivers at a time; what others change meanwhile it delivers after, in order")
    func oneDelivererAtATime() {
        var harness = StateMachineHarness()
        let added = harness.machine.addObserver("watcher")
        #expect(added.action.observerEvents == [.yield(.idle, to: ["watcher"])])
        // While that caller delivers, two more changes happen on other threads: they only queue.
        let connecting = harness.machine.connect(1, now: harness.now)
        #expect(connecting.observerEvents == nil)
        let failed = harness.machine.connectionOpened(attempt: 1, code: MOSQ_ERR_ERRNO.rawValue, failure: "refused")
        #expect(failed.observerEvents == nil)
        #expect(
            harness.machine.nextObserverEvents() == [
                .yield(.connecting, to: ["watcher"]), .yield(.idle, to: ["watcher"]),
            ])
        #expect(harness.machine.nextObserverEvents() == nil)
        // Delivery is over: the next change is handed to whoever makes it.
        let again = harness.machine.connect(2, now: harness.now)
        #expect(again.observerEvents == [.yield(.connecting, to: ["watcher"])])
    }

    @Test("observers are finished after the last state queued for them, and a removed one is told nothing more")
    func finishAfterClosed() throws {
        var harness = StateMachineHarness()
        harness.observe("stays")
        let gone = harness.machine.addObserver("gone")
        harness.run(gone.action)
        harness.machine.removeObserver(try #require(gone.identifier))
        let closing = try harness.close(deliver: false)
        let (_, finishing) = harness.machine.takeStreams()
        // The close's caller delivers both; the finish comes after `.closed`.
        #expect(closing.observerEvents == [.yield(.closed, to: ["stays"])])
        #expect(finishing.observerEvents == nil)
        #expect(harness.machine.nextObserverEvents() == [.finish(["stays"])])
        #expect(harness.machine.nextObserverEvents() == nil)
    }

    @Test("an observer of a closed client is told `.closed` and finished at once")
    func observeClosedClient() throws {
        var harness = StateMachineHarness()
        try harness.close()
        let (identifier, action) = harness.machine.addObserver("late")
        #expect(identifier == nil)
        #expect(action.observerEvents == [.yield(.closed, to: ["late"]), .finish(["late"])])
        #expect(harness.machine.observers.isEmpty)
    }
}
