import HookcastProtocol
import Logging
import Mosquitto
import ServiceLifecycle

/// Reads the triggers integration accounts publish (`MQTTTriggerIntake`) and publishes each answer. Through a
/// shared subscription, so of several gateways exactly one handles each trigger; made before the broker connection
/// starts, as the acknowledgements' is, so the triggers the gateway's persistent session kept while it was down
/// arrive too.
struct MQTTTriggerService: Service {
    let client: MQTTClient
    let earlySubscription: MQTTSubscription
    let intake: MQTTTriggerIntake
    let logger: Logger

    /// Triggers in hand at once: each may wait up to `Gateway.maximumWait` for acknowledgements (`wait`), as a
    /// webhook may; past this many the next is read once one is answered, and the broker holds the rest.
    static let concurrentTriggers = 256

    static func filter(shareGroup: String, topics: Topics) -> String {
        "$share/\(shareGroup)/\(topics.root)/triggers/+"
    }

    static func subscribeEarly(client: MQTTClient, shareGroup: String, topics: Topics) async throws -> MQTTSubscription
    {
        try await client.subscribe(
            to: filter(shareGroup: shareGroup, topics: topics), qos: .atLeastOnce,
            buffering: .bounded(4_096, maximumPayloadSize: MQTTTriggerIntake.maximumPayload))
    }

    func run() async throws {
        var current: MQTTSubscription? = earlySubscription
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let messages: MQTTSubscription
                if let early = current {
                    messages = early
                    current = nil
                } else {
                    messages = try await client.subscribe(
                        to: earlySubscription.filter, qos: .atLeastOnce,
                        buffering: .bounded(4_096, maximumPayloadSize: MQTTTriggerIntake.maximumPayload))
                }
                await cancelWhenGracefulShutdown { await handle(messages) }
            } catch {
                if client.state == .closed { return }
                logger.debug("trigger subscription not ready", metadata: ["error": "\(error)"])
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(200)) }
            }
        }
    }

    private func handle(_ messages: MQTTSubscription) async {
        await withTaskGroup(of: Void.self) { group in
            var running = 0
            for await message in messages {
                if running >= Self.concurrentTriggers {
                    await group.next()
                    running -= 1
                }
                group.addTask { await answer(message) }
                running += 1
            }
        }
    }

    private func answer(_ message: MQTTMessage) async {
        guard let answer = await intake.handle(message) else { return }
        do {
            _ = try await client.publish(
                to: answer.topic, payload: answer.payload, qos: .atLeastOnce, retain: false,
                properties: answer.properties)
        } catch {
            logger.warning(
                "MQTT trigger answer not published", metadata: ["topic": "\(answer.topic)", "error": "\(error)"])
        }
    }
}
