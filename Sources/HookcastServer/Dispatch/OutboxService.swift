import HookcastCore
import Logging
import Mosquitto
import ServiceLifecycle

/// Publishes what was stored while the broker was away, and re-sends every device's retained config and every
/// latched emergency state after each (re)connect. Runs for the life of the application.
struct OutboxService: Service {
    let client: MQTTClient
    let publisher: CommandPublisher
    let configs: DeviceConfigPublisher
    let emergency: EmergencyLatch
    let commands: any CommandRepository
    let logger: Logger

    func run() async throws {
        var wasConnected = false
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            guard client.state.isConnected else {
                wasConnected = false
                await waitForBroker()
                continue
            }
            if !wasConnected {
                await configs.publishAll()
                await emergency.publishAll()
            }
            wasConnected = true
            await drain()
            // The next look at the outbox, or sooner when the connection goes, so a reconnect within the pause
            // still re-sends the configs.
            if await connectionLost(within: .milliseconds(500)) { wasConnected = false }
        }
    }

    private func connectionLost(within timeout: Duration) async -> Bool {
        let lost = try? await cancelWhenGracefulShutdown { try await client.waitUntilDisconnected(timeout: timeout) }
        return lost ?? false
    }

    /// Until the client connects, or shutdown begins. A closed client never connects again; the application is
    /// stopping then, so this waits for that.
    private func waitForBroker() async {
        do {
            try await cancelWhenGracefulShutdown { try await client.waitUntilConnected() }
        } catch {
            try? await gracefulShutdown()
        }
    }

    /// Publishes unpublished commands, oldest first, until none are left or the broker goes away.
    private func drain() async {
        while client.state.isConnected {
            let batch: [Command]
            do {
                batch = try await commands.unpublished(limit: 100)
            } catch {
                logger.error("could not read the outbox", metadata: ["error": "\(error)"])
                return
            }
            // Commands the webhook path is publishing, or whose publish time is on its way to the store, are
            // unpublished in the store for a moment. Left to the next tick: reading them again at once, in a loop,
            // kept the store busy and stalled every webhook by up to hundreds of milliseconds under load.
            let waiting = batch.filter { !publisher.isHandling($0.id) }
            guard !waiting.isEmpty else { return }
            var progressed = false
            for command in waiting where await publisher.publish(command) { progressed = true }
            if !progressed { return }
        }
    }
}
