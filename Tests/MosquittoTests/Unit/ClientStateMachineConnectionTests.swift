import CMosquitto
import Testing

@testable import Mosquitto

@Suite("Client state machine: connecting")
struct ClientStateMachineConnectionTests {
    @Test("connect() from idle moves to connecting and opens the connection, resuming nobody yet")
    func connectOpensTheConnection() {
        var harness = StateMachineHarness()
        let action = harness.machine.connect(1, now: harness.now)
        #expect(action.effects == [.openConnection(attempt: 1)])
        #expect(action.resumptions.isEmpty)
        #expect(harness.machine.connection == .connecting)
    }

    @Test("connect() while connecting or connected fails with alreadyConnected; after close with clientClosed")
    func connectTwice() throws {
        var harness = StateMachineHarness()
        harness.run(harness.machine.connect(1, now: harness.now))
        #expect(harness.machine.connect(2, now: harness.now).resumed == [.failure(2, .alreadyConnected)])
        harness.receiveConnack()
        #expect(harness.machine.connect(3, now: harness.now).resumed == [.failure(3, .alreadyConnected)])
        try harness.close()
        let closed = harness.machine.connect(4, now: harness.now)
        #expect(closed.resumed == [.failure(4, .clientClosed)])
        #expect(closed.effects.isEmpty)
    }

    @Test("a successful connection: loop started, subscriptions restored, then connected and the caller answered")
    func successfulConnection() {
        var harness = StateMachineHarness()
        harness.observe("watcher")
        harness.run(harness.machine.connect(1, now: harness.now))
        let opened = harness.machine.connectionOpened(attempt: 1, code: MOSQ_ERR_SUCCESS.rawValue, failure: "")
        #expect(opened.effects == [.startNetworkLoop])
        harness.run(harness.machine.networkLoopStarted(code: MOSQ_ERR_SUCCESS.rawValue))
        #expect(harness.machine.loopRunning)
        let done = harness.receiveConnack(sessionPresent: true)
        #expect(done.resumed == [.success(1, .connected(sessionPresent: true))])
        #expect(harness.machine.connection == .connected(sessionPresent: true))
        #expect(harness.toldStates("watcher") == [.idle, .connecting, .connected(sessionPresent: true)])
    }

    @Test("streams made before connect() are subscribed before the client counts as connected")
    func subscriptionsRestoredBeforeConnected() throws {
        var harness = StateMachineHarness()
        _ = try harness.machine.addSubscription(filter: "a/#", options: .init(qos: .atLeastOnce), receiver: "r1")
        _ = try harness.machine.addSubscription(filter: "a/#", options: .init(qos: .exactlyOnce), receiver: "r2")
        harness.startConnecting()
        guard
            case .restore(let filters, let waiter) = harness.machine.connackReceived(reason: .success, now: harness.now)
        else {
            Issue.record("a successful CONNACK restores the subscriptions first")
            return
        }
        #expect(filters == ["a/#": .init(qos: .exactlyOnce)])
        #expect(waiter == 1)
        #expect(harness.machine.connection == .connecting)
        harness.machine.subscriptionRestored(filter: "a/#", mid: 7, now: harness.now)
        let acknowledged = harness.machine.acknowledge(mid: 7, .subscribed(reasonCode: 2), now: harness.now)
        #expect(acknowledged.isEmpty)
        #expect(harness.machine.pending.isEmpty)
    }

    @Test(
        "a failed TCP connect fails the caller with a sentence for its cause and returns to idle",
        arguments: [
            (MOSQ_ERR_ERRNO.rawValue, MQTTError.connectFailed(host: "broker.test", port: 1883, reason: "refused")),
            (
                MOSQ_ERR_TLS.rawValue,
                MQTTError.tlsHandshakeFailed(
                    host: "broker.test", port: 1883, reason: "libmosquitto reported a TLS error without details")
            ),
            (
                MOSQ_ERR_CONN_LOST.rawValue,
                MQTTError.connectFailed(
                    host: "broker.test", port: 1883,
                    reason:
                        "the connection to the broker was lost before the broker answered (a TLS listener closes plain-text connections so)"
                )
            ),
        ])
    func failedConnect(code: Int32, error: MQTTError) {
        var harness = StateMachineHarness()
        harness.run(harness.machine.connect(1, now: harness.now))
        let failed = harness.machine.connectionOpened(attempt: 1, code: code, failure: "refused")
        #expect(failed.resumed == [.failure(1, error)])
        #expect(failed.effects.isEmpty)
        #expect(harness.machine.connection == .idle)
    }

    @Test("an attempt that timed out is abandoned: its late connection is closed and its late failure ignored")
    func abandonedAttempt() {
        var harness = StateMachineHarness()
        harness.run(harness.machine.connect(1, now: harness.now))
        harness.advance(by: .seconds(10))
        let (timedOut, continues) = harness.machine.sweep(now: harness.now)
        #expect(continues)
        #expect(timedOut.effects == [.stopNetworkThread])
        #expect(
            timedOut.resumed == [
                .failure(1, .connectTimedOut(host: "broker.test", port: 1883, after: .seconds(10)))
            ])
        #expect(harness.machine.connection == .idle)
        let late = harness.machine.connectionOpened(attempt: 1, code: MOSQ_ERR_SUCCESS.rawValue, failure: "")
        #expect(late.effects == [.closeAbandonedConnection])
        #expect(late.resumptions.isEmpty)

        // A second attempt is not disturbed by the first one's failure arriving late.
        harness.run(harness.machine.connect(2, now: harness.now))
        #expect(harness.machine.connectAttempt == 2)
        let lateFailure = harness.machine.connectionOpened(attempt: 1, code: MOSQ_ERR_ERRNO.rawValue, failure: "x")
        #expect(lateFailure.isEmpty)
        #expect(harness.machine.connection == .connecting)
    }

    @Test("a refused first CONNACK fails the caller, stops the network thread and returns to idle")
    func refusedFirstConnack() {
        var harness = StateMachineHarness()
        harness.startConnecting()
        guard case .done(let action) = harness.machine.connackReceived(reason: .notAuthorized, now: harness.now)
        else {
            Issue.record("a refused CONNACK restores nothing")
            return
        }
        #expect(action.effects == [.stopNetworkThread])
        #expect(action.resumed == [.failure(1, .connectionRefused(.notAuthorized))])
        #expect(harness.machine.connection == .idle)
    }

    @Test("a refused CONNACK on a reconnect leaves the client disconnected, for the network loop to retry")
    func refusedReconnect() {
        var harness = StateMachineHarness()
        harness.connect()
        harness.run(
            harness.machine.connectionEnded(code: MOSQ_ERR_CONN_LOST.rawValue, reason: "lost", now: harness.now))
        guard case .done(let action) = harness.machine.connackReceived(reason: .notAuthorized, now: harness.now)
        else {
            Issue.record("a refused CONNACK restores nothing")
            return
        }
        #expect(action.isEmpty)
        #expect(
            harness.machine.connection == .disconnected(reason: "reconnect refused: \(MQTTReasonCode.notAuthorized)"))
    }

    @Test("a network loop that cannot start fails the caller")
    func loopStartFailure() {
        var harness = StateMachineHarness()
        harness.run(harness.machine.connect(1, now: harness.now))
        harness.run(harness.machine.connectionOpened(attempt: 1, code: MOSQ_ERR_SUCCESS.rawValue, failure: ""))
        let failed = harness.machine.networkLoopStarted(code: MOSQ_ERR_ERRNO.rawValue)
        #expect(
            failed.resumed == [
                .failure(
                    1,
                    .library(
                        code: MOSQ_ERR_ERRNO.rawValue, message: MosquittoLibrary.errorMessage(MOSQ_ERR_ERRNO.rawValue)))
            ])
        #expect(harness.machine.connection == .idle)
        #expect(!harness.machine.loopRunning)
    }

    @Test("a connection lost before CONNACK fails the caller at once rather than at the timeout")
    func lostBeforeConnack() {
        var harness = StateMachineHarness()
        harness.startConnecting()
        let lost = harness.machine.connectionEnded(
            code: MOSQ_ERR_CONN_LOST.rawValue, reason: "the connection to the broker was lost", now: harness.now)
        #expect(lost.effects == [.stopNetworkThread])
        #expect(
            lost.resumed == [
                .failure(
                    1,
                    .connectFailed(
                        host: "broker.test", port: 1883,
                        reason:
                            "the connection to the broker was lost before the broker answered (a TLS listener closes plain-text connections so)"
                    ))
            ])
        #expect(harness.machine.connection == .idle)
    }

    @Test("a lost connection moves to disconnected and is logged; the network loop reconnects by itself")
    func lostConnection() {
        var harness = StateMachineHarness()
        harness.observe("watcher")
        harness.connect()
        let lost = harness.machine.connectionEnded(code: MOSQ_ERR_CONN_LOST.rawValue, reason: "lost", now: harness.now)
        harness.run(lost)
        #expect(lost.effects == [.logConnectionLost(reason: "lost")])
        #expect(harness.machine.connection == .disconnected(reason: "lost"))
        harness.receiveConnack()
        #expect(
            harness.toldStates("watcher") == [
                .idle, .connecting, .connected(sessionPresent: false), .disconnected(reason: "lost"),
                .connected(sessionPresent: false),
            ])
    }

    @Test("callers waiting for the connection are released when it is made, or fail after offlineWaitTimeout")
    func connectionWaiters() {
        var harness = StateMachineHarness()
        #expect(harness.machine.readiness == .failed(.notConnected(waited: .zero)))
        harness.startConnecting()
        #expect(harness.machine.readiness == .wait)
        #expect(harness.machine.waitForConnection(10, now: harness.now).isEmpty)
        harness.advance(by: .seconds(5))
        #expect(harness.machine.waitForConnection(11, now: harness.now).isEmpty)
        harness.advance(by: .seconds(6))
        // Waiter 10 (and the connect() caller) waited 11 s, past their 10; waiter 11 only 6.
        let (expired, _) = harness.machine.sweep(now: harness.now)
        #expect(expired.resumed.contains(.failure(10, .notConnected(waited: .seconds(10)))))
        #expect(!expired.resumed.contains { $0.waiter == 11 })

        var second = StateMachineHarness()
        second.startConnecting()
        #expect(second.machine.waitForConnection(20, now: second.now).isEmpty)
        let connected = second.receiveConnack()
        #expect(connected.resumed == [.success(20, .done), .success(1, .connected(sessionPresent: false))])
        #expect(second.machine.readiness == .connected)
        #expect(second.machine.waitForConnection(21, now: second.now).resumed == [.success(21, .done)])
    }

    @Test("closing fails every waiter with clientClosed, once, and ends the sweeper")
    func closeFailsEverything() throws {
        var harness = StateMachineHarness()
        harness.startConnecting()
        #expect(harness.machine.startSweeper() == true)
        #expect(harness.machine.startSweeper() == false)
        harness.run(harness.machine.waitForConnection(2, now: harness.now))
        harness.run(harness.machine.register(.publish(topic: "t", 3), mid: 1, now: harness.now))
        harness.run(harness.machine.register(.background(filter: "f"), mid: 2, now: harness.now))
        let closed = try harness.close()
        #expect(Set(closed.resumed.map(\.waiter)) == [1, 2, 3])
        #expect(closed.resumed.allSatisfy { $0.result == .failure(.clientClosed) })
        #expect(closed.resumed.first?.waiter == 1)
        #expect(harness.machine.pending.isEmpty)
        #expect(harness.machine.close() == nil)
        #expect(harness.machine.readiness == .failed(.clientClosed))
        let (_, continues) = harness.machine.sweep(now: harness.now)
        #expect(!continues)
        #expect(harness.machine.startSweeper() == true)
    }
}
