import CMosquitto
import Testing

@testable import Mosquitto

@Suite("Client state machine: restarting the network loop")
struct ClientStateMachineRestartTests {
    /// Connected, then the broker sent DISCONNECT (session taken over).
    private func serverDisconnected() -> (StateMachineHarness, TestStateMachine.Action) {
        var harness = StateMachineHarness()
        harness.connect()
        let action = harness.machine.connectionEnded(code: 0x8E, reason: "Session taken over", now: harness.now)
        return (harness, harness.run(action))
    }

    @Test("a DISCONNECT from the broker ends the network loop and schedules a restart after the shortest delay")
    func serverDisconnectSchedulesRestart() {
        let (harness, action) = serverDisconnected()
        #expect(
            action.effects == [
                .endNetworkLoopAfterServerDisconnect,
                .restartNetworkThread(afterSeconds: 1, reason: "Session taken over"),
            ])
        #expect(harness.machine.connection == .disconnected(reason: "Session taken over"))
        #expect(harness.machine.restartScheduled)
    }

    @Test("restarts that fail back off by doubling up to the upper bound, each with its reason")
    func backoffDoubles() {
        var (harness, _) = serverDisconnected()
        var delays: [UInt32] = [1]
        for _ in 0..<6 {
            #expect(harness.machine.restartDue() == true)
            let failed = harness.run(
                harness.machine.restartFinished(
                    loopCode: MOSQ_ERR_ERRNO.rawValue, tlsFailed: false, failure: "refused", now: harness.now))
            let reason = MQTTError.connectFailed(host: "broker.test", port: 1883, reason: "refused").description
            guard case .restartNetworkThread(let delay, reason)? = failed.effects.first, failed.effects.count == 1
            else {
                Issue.record("expected one restart, got \(failed.effects)")
                return
            }
            delays.append(delay)
            #expect(harness.machine.connection == .disconnected(reason: reason))
        }
        #expect(delays == [1, 2, 4, 8, 16, 30, 30])
    }

    @Test("a restart is scheduled once however often the loss is reported")
    func scheduledOnce() {
        var (harness, _) = serverDisconnected()
        let again = harness.machine.restartFinished(
            loopCode: MOSQ_ERR_ERRNO.rawValue, tlsFailed: false, failure: "refused", now: harness.now)
        #expect(again.effects.isEmpty)
    }

    @Test("a connection that lasted a minute resets the backoff; a short one does not")
    func stableConnectionResetsBackoff() {
        var (harness, _) = serverDisconnected()
        #expect(harness.machine.restartDue() == true)
        harness.run(
            harness.machine.restartFinished(
                loopCode: MOSQ_ERR_SUCCESS.rawValue, tlsFailed: false, failure: "", now: harness.now))
        #expect(harness.machine.loopRunning)
        harness.receiveConnack()
        harness.advance(by: .seconds(5))
        let short = harness.machine.connectionEnded(code: 0x8E, reason: "taken over", now: harness.now)
        #expect(short.effects.last == .restartNetworkThread(afterSeconds: 2, reason: "taken over"))

        #expect(harness.machine.restartDue() == true)
        harness.run(
            harness.machine.restartFinished(
                loopCode: MOSQ_ERR_SUCCESS.rawValue, tlsFailed: false, failure: "", now: harness.now))
        harness.receiveConnack()
        harness.advance(by: .seconds(61))
        let long = harness.machine.connectionEnded(code: 0x8E, reason: "taken over", now: harness.now)
        #expect(long.effects.last == .restartNetworkThread(afterSeconds: 1, reason: "taken over"))
    }

    @Test("a restart that comes due after the client closed does not happen")
    func restartAfterClose() throws {
        var (harness, _) = serverDisconnected()
        try harness.close()
        #expect(harness.machine.restartDue() == false)
    }

    @Test("a TLS failure the network loop gave up on fails the first connect() with OpenSSL's reason")
    func tlsFailureWhileConnecting() {
        var harness = StateMachineHarness()
        harness.startConnecting()
        harness.machine.recordTLSError("OpenSSL Error[0]: error:0A000086:SSL routines::certificate verify failed")
        let (action, _) = harness.machine.sweep(now: harness.now)
        #expect(action.effects == [.stopNetworkThread])
        #expect(
            action.resumed == [
                .failure(
                    1, .tlsHandshakeFailed(host: "broker.test", port: 1883, reason: "certificate verify failed"))
            ])
        #expect(harness.machine.connection == .idle)
    }

    @Test("a TLS failure after a lost connection schedules a restart, since the network loop will not reconnect")
    func tlsFailureWhileDisconnected() {
        var harness = StateMachineHarness()
        harness.connect()
        harness.run(
            harness.machine.connectionEnded(code: MOSQ_ERR_CONN_LOST.rawValue, reason: "lost", now: harness.now))
        harness.machine.recordTLSError("OpenSSL Error[0]: error:0A000126:SSL routines::unexpected eof while reading")
        let (action, _) = harness.machine.sweep(now: harness.now)
        #expect(
            action.effects == [
                .restartNetworkThread(afterSeconds: 1, reason: "TLS error: unexpected eof while reading")
            ])
        #expect(harness.machine.tlsErrors.isEmpty)
        // Lines that are not OpenSSL's do not count as a TLS failure.
        #expect(harness.machine.restartDue() == true)
        harness.machine.recordTLSError("Error: something else")
        #expect(harness.machine.sweep(now: harness.now).action.isEmpty)
    }

    @Test("at most eight TLS error lines are kept, and none once closed")
    func tlsErrorLinesAreBounded() throws {
        var harness = StateMachineHarness()
        for index in 0..<20 { harness.machine.recordTLSError("line \(index)") }
        #expect(harness.machine.tlsErrors.count == 8)
        var closed = StateMachineHarness()
        try closed.close()
        closed.machine.recordTLSError("late")
        #expect(closed.machine.tlsErrors.isEmpty)
    }
}
