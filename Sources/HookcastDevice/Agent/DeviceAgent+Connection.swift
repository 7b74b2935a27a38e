import HookcastProtocol
import Mosquitto

extension DeviceAgent {
    /// The topics the agent listens to from the start: its own commands, broadcasts, its config, and the groups and
    /// tags it followed when it last ran (from the state file).
    var initialFilters: [String] {
        [topics.deviceCommands(deviceID), topics.allCommands, topics.deviceConfig(deviceID)]
            + groups.map(topics.groupCommands) + tags.map(topics.tagCommands) + emergencyFilters(groups: groups)
    }

    /// Subscribes, then connects.
    ///
    /// A resumed session delivers the commands queued while the device was away right after CONNACK, and the
    /// client hands a message only to the subscriptions it knows; libmosquitto has acknowledged it by then, so a
    /// message without a local subscription would be lost. Subscriptions made while the client is idle are
    /// registered at once and sent on the network thread right after CONNACK, before any message is handed out,
    /// so nothing here races the network thread (registering them while connecting, as this did before, left a
    /// window in which a preempted thread let the queued command arrive first). The price:
    /// a subscription the broker refuses is logged by the client rather than thrown here.
    func connectAndSubscribe() async throws -> [MQTTSubscription] {
        var subscriptions: [MQTTSubscription] = []
        do {
            for filter in initialFilters {
                subscriptions.append(try await client.subscribe(to: filter, qos: .atLeastOnce))
            }
            let sessionPresent = try await client.connect()
            logger.debug("connected to the broker", metadata: ["session_present": "\(sessionPresent)"])
        } catch {
            // Closing the client ends the subscriptions registered so far.
            await client.disconnect()
            throw error
        }
        return subscriptions
    }

    /// Queues `.reconnected` for the handler whenever the connection returns after a loss.
    func watchReconnects() -> Task<Void, Never> {
        let states = client.stateChanges()
        let sink = eventSink
        return Task {
            var connected = true
            for await state in states {
                switch state {
                case .connected:
                    if !connected { sink.yield(.reconnected) }
                    connected = true
                case .disconnected:
                    connected = false
                case .closed:
                    return
                case .idle, .connecting:
                    break
                }
            }
        }
    }

    /// Cuts the connection as a crash would, so the broker publishes the Last Will. For tests.
    func dropConnectionForTesting() {
        client.dropConnection()
    }
}
