import CMosquitto
import Dispatch

// When the network loop has ended for good (see ClientStateMachine+Restart), the state machine schedules a restart;
// this carries it out.
extension MosquittoHandle {
    /// Runs on `blockingQueue`, so it never overlaps a connect or a shutdown. Joins the thread that gave up and
    /// connects again the way the first `connect()` did; a new network loop then takes over.
    func restartNetworkThread() {
        guard state.withLock({ $0.restartDue() }) else { return }
        stopNetworkThread()
        let (code, failure) = blockingConnect()
        let loopCode = code == MOSQ_ERR_SUCCESS.rawValue ? startNetworkLoop() : code
        let reason = failure ?? MosquittoLibrary.errorMessage(loopCode)
        perform(
            state.withLock {
                $0.restartFinished(
                    loopCode: loopCode, tlsFailed: code == MOSQ_ERR_TLS.rawValue, failure: reason, now: .now)
            })
    }
}
