import HookcastCore
import HookcastProtocol
import Logging
import Mosquitto

/// Keeps each device's retained config message (its groups) in step with the store.
struct DeviceConfigPublisher: Sendable {
    let client: any BrokerPublishing
    let store: any HookcastStore
    let logger: Logger
    /// Read and publish happen in one turn per device, in the order they were asked for.
    let sequencer = KeyedSequencer<DeviceID>()

    /// Publishes the current config of `devices`; while disconnected it does nothing, and `publishAll` runs again
    /// on every (re)connect.
    func publish(for devices: some Sequence<DeviceID>) async {
        guard client.state.isConnected else { return }
        for device in devices {
            await sequencer.run(for: device) { [client, store, logger] in
                do {
                    let groups = try await store.groups.groups(containing: device)
                    try await client.publish(
                        to: Topics.deviceConfig(device),
                        payload: DeviceConfigMessage(deviceID: device, groups: groups).encoded(),
                        qos: .atLeastOnce,
                        retain: true,
                        properties: MQTTPublishProperties(contentType: "application/json"))
                } catch {
                    logger.warning(
                        "device config not published", metadata: ["device": "\(device)", "error": "\(error)"])
                }
            }
        }
    }

    /// A deleted device's retained config is cleared (an empty retained message).
    func clear(for device: DeviceID) async {
        guard client.state.isConnected else { return }
        await sequencer.run(for: device) { [client, logger] in
            do {
                try await client.publish(
                    to: Topics.deviceConfig(device), payload: [], qos: .atLeastOnce, retain: true, properties: .none)
            } catch {
                logger.warning("device config not cleared", metadata: ["device": "\(device)", "error": "\(error)"])
            }
        }
    }

    func publishAll() async {
        do {
            await publish(for: try await store.devices.allIDs())
        } catch {
            logger.warning("device configs not published", metadata: ["error": "\(error)"])
        }
    }
}
