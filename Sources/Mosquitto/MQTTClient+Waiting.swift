extension MQTTClient {
    /// Returns once the client is connected, at once if it is now. Unlike the calls that wait for the connection
    /// on their own, it waits without a limit: for work that only makes sense while the broker is there.
    /// - Throws: `MQTTError.clientClosed` when the client is (or gets) closed, `CancellationError` when the task
    ///   is cancelled.
    public func waitUntilConnected() async throws {
        // Observing first and then reading the current state (the stream's first element) misses no connection.
        for await state in stateChanges() {
            switch state {
            case .connected: return
            case .closed: throw MQTTError.clientClosed
            case .idle, .connecting, .disconnected: continue
            }
        }
        // The stream ends early only when the task is cancelled.
        try Task.checkCancellation()
        throw MQTTError.clientClosed
    }

    /// Waits at most `timeout` for the client to be not connected (lost, closed, not yet connected).
    /// - Returns: true as soon as it is not connected, at once if it is not now; false if it stayed connected.
    /// - Throws: `CancellationError` when the task is cancelled.
    public func waitUntilDisconnected(timeout: Duration) async throws -> Bool {
        let disconnected = await Self.within(timeout) {
            for await state in self.stateChanges() where !state.isConnected { return true }
            return false
        }
        try Task.checkCancellation()
        return disconnected
    }

    /// What `wait` answers, or false once `timeout` passed first; `wait` is then cancelled (a cancelled stream's
    /// iteration ends, dropping its observer).
    static func within(_ timeout: Duration, _ wait: @escaping @Sendable () async -> Bool) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask { await wait() }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }
}
