import HookcastTestSupport
import Testing

@testable import Mosquitto

@Suite("Waiting for the connection to come and go")
struct WaitingTests {
    /// Observers are dropped on another queue once their stream ends; this returns when none is left.
    private func waitUntilUnobserved(_ client: MQTTClient) async throws {
        try await withTimeout(.seconds(10), "observers dropped") {
            while !client.handle.state.withLock({ $0.observers.isEmpty }) { await Task.yield() }
        }
    }

    @Test("waitUntilConnected returns once a connection made elsewhere is up, and leaves no observer behind")
    func waitsForConnection() async throws {
        let client = try MQTTClient(configuration: ClientFactory.configuration())
        let waiting = Task { try await client.waitUntilConnected() }
        try await client.connect()
        try await withTimeout(.seconds(10), "waitUntilConnected") { try await waiting.value }
        // Already connected: at once.
        try await client.waitUntilConnected()
        try await waitUntilUnobserved(client)
        await client.disconnect()
    }

    @Test("waitUntilConnected throws clientClosed for a closed client and CancellationError when cancelled")
    func waitingEnds() async throws {
        let client = try MQTTClient(configuration: ClientFactory.configuration())
        let waiting = Task { try await client.waitUntilConnected() }
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        await client.disconnect()
        await #expect(throws: MQTTError.clientClosed) { try await client.waitUntilConnected() }
        try await waitUntilUnobserved(client)
    }

    @Test("waitUntilDisconnected says false while the connection holds and true once it is lost")
    func waitsForLoss() async throws {
        let client = try await ClientFactory.connected()
        #expect(try await client.waitUntilDisconnected(timeout: .milliseconds(50)) == false)
        let waiting = Task { try await client.waitUntilDisconnected(timeout: .seconds(60)) }
        // Observing before the drop, so the reconnect a second later cannot hide it.
        try await withTimeout(.seconds(10), "observing") {
            while client.handle.state.withLock({ $0.observers.isEmpty }) { await Task.yield() }
        }
        client.dropConnection()
        #expect(try await withTimeout(.seconds(10), "waitUntilDisconnected") { try await waiting.value })
        try await waitUntilUnobserved(client)
        await client.disconnect()
    }
}
