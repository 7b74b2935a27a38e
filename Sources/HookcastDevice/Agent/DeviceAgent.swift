import Foundation
import HookcastProtocol
import Logging
import Mosquitto
import Synchronization

/// The reference device: connects as its device id, follows its groups, executes each command once, in arrival
/// order, and acknowledges it; reports its presence. See docs/protocol.md.
///
/// Call `run()` once (it returns after `stop()` or when its task is cancelled); read `state` at any time.
public final class DeviceAgent: Sendable {
    public let configuration: Configuration
    let client: MQTTClient
    let executor = CommandExecutor()
    let hooks: HookRunner?
    let shared: Mutex<AgentState>
    let startedAt: Date
    let events: AsyncStream<AgentEvent>
    let eventSink: AsyncStream<AgentEvent>.Continuation

    static let jsonProperties = MQTTPublishProperties(contentType: "application/json")

    var logger: Logger { configuration.logger }
    var deviceID: DeviceID { configuration.deviceID }
    var topics: Topics { configuration.topics }

    /// Loads the state file, if configured and present, and prepares the MQTT client; nothing connects yet.
    public init(configuration: Configuration) throws {
        self.configuration = configuration
        let startedAt = Date()
        self.startedAt = startedAt
        hooks = configuration.hooksDirectory.map { HookRunner(directory: $0, timeout: configuration.hookTimeout) }
        let stored = Self.loadStateFile(configuration)
        shared = Mutex(
            AgentState(
                player: stored?.player ?? PlayerState(),
                seen: SeenCommands(capacity: configuration.seenCommandCapacity, entries: stored?.seenCommands ?? []),
                groups: Set(stored?.groups ?? []), tags: Set(stored?.tags ?? [])))
        (events, eventSink) = AsyncStream.makeStream(of: AgentEvent.self, bufferingPolicy: .unbounded)
        client = try MQTTClient(configuration: configuration.mqttConfiguration(startedAt: startedAt))
    }

    /// What the player shows now.
    public var state: PlayerState { shared.withLock { $0.player } }

    /// The groups whose command topics the agent listens to, sorted.
    public var groups: [GroupID] { shared.withLock { $0.groups.sorted() } }

    /// The tags whose command topics the agent listens to, sorted.
    public var tags: [String] { shared.withLock { $0.tags.sorted() } }

    /// Connects, announces itself and handles commands until `stop()` or cancellation, then says `offline` and
    /// disconnects. Throws if the first connection fails (libmosquitto reconnects by itself after that).
    public func run() async throws {
        let starting = shared.withLock { state -> Bool in
            guard state.phase == .idle else { return false }
            state.phase = .running
            return true
        }
        guard starting else { throw DeviceAgentError.alreadyStarted }
        if hooks != nil {
            let removed = HookScratch.removeAbandoned()
            if removed > 0 {
                logger.notice(
                    "removed the hook directories of agents that were killed while a hook ran",
                    metadata: ["directories": "\(removed)"])
            }
        }
        do {
            let subscriptions = try await connectAndSubscribe()
            for subscription in subscriptions { forward(subscription) }
            try await publishPresence(.online, connected: true)
        } catch {
            logger.error("device agent could not start", metadata: ["error": "\(error)"])
            await client.disconnect()
            finish()
            throw error
        }
        logger.info("device agent online", metadata: ["device_id": "\(deviceID)", "groups": "\(groups)"])
        // A toast or snooze from the state file may have ended while the agent was down.
        eventSink.yield(.expiryDue(nil))
        let reconnects = watchReconnects()
        for await event in events {
            if shared.withLock({ $0.phase != .running }) { break }
            switch event {
            case .message(let message) where message.topic == topics.deviceConfig(deviceID):
                await applyConfig(message)
                await publishStateIfChanged()
            case .emergency(let message, let overtaking):
                applyEmergencyState(message)
                if overtaking { shared.withLock { $0.overtakingEmergencies -= 1 } }
                await publishStateIfChanged()
            case .message(let message):
                await handleCommand(message)
                scheduleExpiry()
            case .expiryDue(let timer):
                await expireScreen(timer: timer)
            case .reconnected:
                try? await publishPresence(.online, connected: true)
            }
        }
        reconnects.cancel()
        // Disconnected, the broker has published the Last Will (offline) already; waiting for the connection to
        // return would only hold up the stop, by up to the client's offline wait.
        if client.state.isConnected {
            do {
                try await publishPresence(.offline)
            } catch {
                logger.warning("could not publish offline presence", metadata: ["error": "\(error)"])
            }
        }
        await client.disconnect()
        logger.info("device agent stopped", metadata: ["device_id": "\(deviceID)"])
        finish()
    }

    /// Finishes the command being handled, publishes the retained `offline` presence (a clean disconnect suppresses
    /// the Last Will) and disconnects; returns once `run()` has wound down.
    public func stop() async {
        let phase = shared.withLock { state -> AgentState.Phase in
            let phase = state.phase
            switch phase {
            case .idle: state.phase = .finished
            case .running: state.phase = .stopping
            case .stopping, .finished: break
            }
            return phase
        }
        eventSink.finish()
        switch phase {
        case .idle:
            await client.disconnect()
        case .running, .stopping:
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                shared.withLock { state in
                    if state.phase == .finished {
                        continuation.resume()
                    } else {
                        state.stopWaiters.append(continuation)
                    }
                }
            }
        case .finished:
            break
        }
    }

    private func finish() {
        let waiters = shared.withLock { state in
            state.phase = .finished
            defer { state.stopWaiters.removeAll() }
            return state.stopWaiters
        }
        eventSink.finish()
        for waiter in waiters { waiter.resume() }
    }

    /// Hands a subscription's messages to the single handler; ends when the subscription does (unsubscribe or
    /// disconnect). An emergency state that turns an emergency on stops the running hook on its way in: it is
    /// applied next instead of after the hook.
    func forward(_ subscription: MQTTSubscription) {
        let sink = eventSink
        Task { [self] in
            for await message in subscription {
                if topics.isEmergencyState(message.topic) {
                    sink.yield(.emergency(message, overtaking: overtakeHooks(for: message)))
                } else {
                    sink.yield(.message(message))
                }
            }
        }
    }

    /// Writes the state file, if configured. A failure is logged, not fatal: the device keeps working.
    func persist() {
        guard let url = configuration.stateFile else { return }
        let file = shared.withLock { $0.stateFile }
        do {
            try file.write(to: url)
        } catch {
            logger.error("could not write the state file", metadata: ["path": "\(url.path)", "error": "\(error)"])
        }
    }

    private static func loadStateFile(_ configuration: Configuration) -> DeviceStateFile? {
        guard let url = configuration.stateFile else { return nil }
        do {
            return try DeviceStateFile.load(from: url)
        } catch {
            // A device that cannot read its notes still runs; it starts afresh and overwrites them.
            configuration.logger.error(
                "could not read the state file; starting with a fresh state",
                metadata: ["path": "\(url.path)", "error": "\(error)"])
            return nil
        }
    }
}
