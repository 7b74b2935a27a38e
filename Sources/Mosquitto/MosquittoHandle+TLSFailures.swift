import CMosquitto
import Dispatch

// libmosquitto 2.0's network thread gives up for good after a TLS error on its side of the connection: a handshake
// that fails, or a TLS connection that ends without a TLS goodbye (a broker killed with SIGKILL). It reports the
// connection lost, or nothing at all, and never reconnects. Without the handling here the first such error would
// leave a TLS client disconnected until its process restarts.
extension MosquittoHandle {
    /// Called by the sweeper with the lock held: the error lines come from the log callback, so this notices them.
    func handleTLSFailure(_ state: inout ClientState) {
        guard state.loopRunning, state.tlsErrors.contains(where: Self.isOpenSSLError) else { return }
        switch state.connection {
        case .connecting:
            // The first connection's handshake failed on the network thread; the caller hears why now.
            guard let waiter = state.connectWaiter else { return }
            state.connectWaiter = nil
            state.transition(to: .idle)
            blockingQueue.async { self.stopNetworkThread() }
            waiter.value.resume(throwing: tlsFailure(from: state.tlsErrors))
        case .disconnected:
            guard !state.restartScheduled else { return }
            // Not necessarily a handshake: the lines may tell of a connection that broke.
            let failure = tlsFailure(from: state.tlsErrors)
            state.tlsErrors.removeAll()
            if case .tlsHandshakeFailed(_, _, let reason) = failure {
                scheduleNetworkThreadRestart(&state, reason: "TLS error: \(reason)")
            } else {
                scheduleNetworkThreadRestart(&state, reason: failure.description)
            }
        case .idle, .connected, .closed:
            return
        }
    }
}
