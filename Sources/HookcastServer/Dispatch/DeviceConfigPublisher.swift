import HookcastCore
import HookcastProtocol
import Logging
import Mosquitto

/// Keeps each device's retained config message (its groups and tags) in step with the store.
///
/// Up to `window` devices' configs are in flight at once: one at a time, each waiting for its PUBACK, the
/// re-publication on connect took 10,000 round trips to the store and the broker (seconds at 10,000 devices,
/// while the outbox waited behind it and a broadcast right after a restart competed with it).
struct DeviceConfigPublisher: Sendable {
    let client: any BrokerPublishing
    let store: any HookcastStore
    let logger: Logger
    var topics = Topics.standard
    /// Read and publish happen in one turn per device, in the order they were asked for.
    let sequencer = KeyedSequencer<DeviceID>()
    /// Which devices changed while a publication works from memberships it read before them.
    let changes = DeviceConfigChanges()

    static let window = 256

    /// Publishes the current config of `devices`, read for all of them at once; while disconnected it does
    /// nothing, and `publishAll` runs again on every (re)connect.
    func publish(for devices: some Sequence<DeviceID>) async {
        guard client.state.isConnected else { return }
        let devices = Array(devices)
        changes.record(devices)
        changes.begin()
        defer { changes.end() }
        let memberships: [DeviceID: [GroupID]]
        let tags: [DeviceID: [String]]
        do {
            memberships = try await store.groups.groups(containingEach: devices)
            tags = try await store.devices.find(ids: devices).mapValues(\.tags)
        } catch {
            logger.warning(
                "device configs not published", metadata: ["devices": "\(devices.count)", "error": "\(error)"])
            return
        }
        await publish(devices, from: memberships, tags: tags)
    }

    /// A deleted device's retained config is cleared (an empty retained message).
    func clear(for device: DeviceID) async {
        guard client.state.isConnected else { return }
        changes.record([device])
        await sequencer.run(for: device) { [client, logger] in
            do {
                try await client.publish(
                    to: topics.deviceConfig(device), payload: [], qos: .atLeastOnce, retain: true, properties: .none)
            } catch {
                logger.warning("device config not cleared", metadata: ["device": "\(device)", "error": "\(error)"])
            }
        }
    }

    /// Every device's config the broker does not hold as the store has it, from three reads of the store (the
    /// devices, their tags, the groups with their members) and one of the broker's retained configs
    /// (`DeviceConfigSync`). When the broker's configs cannot be read back (a broker whose access rules do not let the
    /// gateway read them), every config is sent.
    func publishAll() async {
        guard client.state.isConnected else { return }
        changes.begin()
        defer { changes.end() }
        let devices: [DeviceID]
        let tags: [DeviceID: [String]]
        var memberships: [DeviceID: [GroupID]] = [:]
        do {
            devices = try await store.devices.allIDs()
            tags = try await store.devices.tagsByDevice()
            for group in try await store.groups.all() {
                for member in group.members { memberships[member, default: []].append(group.id) }
            }
        } catch {
            logger.warning("device configs not published", metadata: ["error": "\(error)"])
            return
        }
        let held = await client.retainedMessages(
            under: topics.allDeviceConfigs,
            markerTopic: topics.retainedReadMarker(String(UInt64.random(in: .min ... .max), radix: 16)),
            timeout: Self.readTimeout(devices: devices.count))
        guard let held else {
            logger.info(
                "the broker's retained device configs could not be read back: publishing every device's",
                metadata: ["devices": "\(devices.count)"])
            await publish(devices, from: memberships, tags: tags)
            return
        }
        let sync = DeviceConfigSync(
            devices: devices, memberships: memberships, tags: tags, held: held, topics: topics)
        await publish(sync.outOfStep, from: memberships, tags: tags)
        logger.log(
            level: sync.outOfStep.isEmpty ? .debug : .info, "device configs in step",
            metadata: ["in_step": "\(sync.inStep)", "published": "\(sync.outOfStep.count)"])
    }

    /// How long the broker may take to send every retained config: far more than a broker needs (a few µs a
    /// message), so only a broker that never sends the marker back waits it out.
    static func readTimeout(devices: Int) -> Duration {
        .seconds(2) + .microseconds(50 * devices)
    }

    /// Publishes each device's config in its own turn, from `memberships` and `tags` read before (between `changes.begin()`
    /// and `end()`). A device changed since is read again in its turn (and skipped if it is gone), so an older
    /// membership never reaches the broker after a newer one.
    private func publish(
        _ devices: [DeviceID], from memberships: [DeviceID: [GroupID]], tags: [DeviceID: [String]]
    ) async {
        await inWindows(devices) { device in
            await sequencer.run(for: device) {
                do {
                    if changes.changed(device) {
                        guard let current = try await store.devices.find(id: device) else { return }
                        await send(
                            DeviceConfigMessage(
                                deviceID: device, groups: try await store.groups.groups(containing: device),
                                tags: current.tags))
                    } else {
                        await send(
                            DeviceConfigMessage(
                                deviceID: device, groups: memberships[device] ?? [], tags: tags[device] ?? []))
                    }
                } catch {
                    logger.warning(
                        "device config not published", metadata: ["device": "\(device)", "error": "\(error)"])
                }
            }
        }
    }

    private func send(_ config: DeviceConfigMessage) async {
        let device = config.deviceID
        do {
            try await client.publish(
                to: topics.deviceConfig(device),
                payload: config.encoded(),
                qos: .atLeastOnce,
                retain: true,
                properties: MQTTPublishProperties(contentType: "application/json"))
        } catch {
            logger.warning("device config not published", metadata: ["device": "\(device)", "error": "\(error)"])
        }
    }

    /// Runs `body` for every device, at most `window` at a time.
    private func inWindows(_ devices: [DeviceID], _ body: @escaping @Sendable (DeviceID) async -> Void) async {
        await withTaskGroup(of: Void.self) { group in
            var remaining = devices.makeIterator()
            for _ in 0..<Self.window {
                guard let device = remaining.next() else { break }
                group.addTask { await body(device) }
            }
            while await group.next() != nil {
                if let device = remaining.next() { group.addTask { await body(device) } }
            }
        }
    }
}
