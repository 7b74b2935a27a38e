// Linux only: the pool drives its clients with epoll.
#if os(Linux)
    import CMosquitto

    extension MQTTClientPoolLoop {
        /// Runs on the loop thread once the stop drain is over: DISCONNECT for every connected client (so the broker
        /// publishes no Last Will), then every client destroyed, and whoever called `stop()` released.
        func shutdown() {
            for client in connections.indices where connections[client].socket >= 0 {
                let mosq = connections[client].mosq
                mosquitto_disconnect(mosq)
                // The socket is non-blocking: a DISCONNECT that does not fit the send buffer now is simply not sent,
                // and the broker then treats the client as lost.
                _ = mosquitto_loop_write(mosq, 1)
            }
            events.removeAll()
            for connection in connections {
                mosquitto_destroy(connection.mosq)
                connection.callbackContext.release()
            }
            connections.removeAll()
            close(epoll)
            shared.connected.store(0, ordering: .relaxed)
            let waiters = shared.inbox.withLock { inbox in
                inbox.finished = true
                defer { inbox.stopWaiters.removeAll() }
                return inbox.stopWaiters
            }
            for waiter in waiters { waiter.resume() }
        }
    }
#endif
