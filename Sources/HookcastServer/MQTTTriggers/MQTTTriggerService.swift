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
            to: filter(shareGroup: shareGroup, topics: topics), qos: .atLeastOnce, buffering: buffering)
    }

    func run() async throws {
        await client.consumeResubscribing(earlySubscription, buffering: Self.buffering, logger: logger) {
            await handle($0)
        }
    }

    /// Past 4,096 unread triggers the client drops and counts them; a payload over the trigger's limit it drops
    /// before buffering.
    static let buffering = MQTTSubscription.Buffering.bounded(
        4_096, maximumPayloadSize: MQTTTriggerIntake.maximumPayload)

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
