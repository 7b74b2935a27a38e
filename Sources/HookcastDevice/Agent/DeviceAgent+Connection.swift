import HookcastProtocol
import Mosquitto

extension DeviceAgent {
    /// The topics the agent listens to from the start: its own commands, broadcasts, its config, and the groups it
    /// followed when it last ran (from the state file).
    var initialFilters: [String] {
        [Topics.deviceCommands(deviceID), Topics.allCommands, Topics.deviceConfig(deviceID)]
            + groups.map(Topics.groupCommands) + emergencyFilters(groups: groups)
    }

    /// Connects and subscribes, with every subscription registered with the client before the broker's CONNACK.
    ///
    /// A resumed session delivers the commands queued while the device was away right after CONNACK, and the
    /// client hands a message only to the subscriptions it knows; libmosquitto has acknowledged it by then, so a
    /// message without a local subscription would be lost. `connect` moves the client to `connecting` before its
    /// first suspension, and `subscribe` registers its stream before it waits for the connection; started with
    /// `Task.immediate`, both run that far synchronously, here, before the network thread can read a byte.
    func connectAndSubscribe() async throws -> [MQTTSubscription] {
        let filters = initialFilters
        let connecting: Task<Bool, any Error>
        let subscribing: [Task<MQTTSubscription, any Error>]
        if #available(macOS 26, *) {
            connecting = Task.immediate { [client] in try await client.connect() }
            subscribing = filters.map { filter in
                Task.immediate { [client] in try await client.subscribe(to: filter, qos: .atLeastOnce) }
            }
        } else {
            // Without Task.immediate: start subscribing as soon as the client reports `connecting`, which in
            // practice is long before the broker's answer arrives.
            let states = client.stateChanges()
            connecting = Task { [client] in try await client.connect() }
            for await state in states where state != .idle { break }
            subscribing = filters.map { filter in
                Task { [client] in try await client.subscribe(to: filter, qos: .atLeastOnce) }
            }
        }
        do {
            let sessionPresent = try await connecting.value
            logger.debug("connected to the broker", metadata: ["session_present": "\(sessionPresent)"])
        } catch {
            // Closing the client releases the subscriptions still waiting for a connection.
            await client.disconnect()
            for task in subscribing { _ = try? await task.value }
            throw error
        }
        var subscriptions: [MQTTSubscription] = []
        for task in subscribing { subscriptions.append(try await task.value) }
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
