import HookcastTestSupport
import Testing

@testable import Mosquitto

@Suite("Reading a broker's retained messages back")
struct RetainedReadTests {
    @Test("Every retained message under the filter, the last of each topic, and no live one")
    func everyRetainedMessage() async throws {
        let publisher = try await ClientFactory.connected()
        let reader = try await ClientFactory.connected()
        let root = ClientFactory.uniqueTopic()
        for index in 0..<2_000 {
            _ = try await publisher.publish(
                to: "\(root)/\(index)/config", payload: Array("first \(index)".utf8), retain: true)
        }
        // A second version of some, a cleared one, one outside the filter and one not retained.
        for index in 0..<10 {
            _ = try await publisher.publish(
                to: "\(root)/\(index)/config", payload: Array("second \(index)".utf8), retain: true)
        }
        _ = try await publisher.publish(to: "\(root)/10/config", payload: [], retain: true)
        _ = try await publisher.publish(to: "\(root)/10/acks", payload: [1], retain: true)
        _ = try await publisher.publish(to: "\(root)/11/config", payload: Array("live".utf8))

        let held = try #require(
            await reader.retainedMessages(
                under: "\(root)/+/config", markerTopic: "\(root)/marker", timeout: .seconds(60)))
        #expect(held.count == 1_999)
        for index in 0..<2_000 where index != 10 {
            let version = index < 10 ? "second" : "first"
            #expect(
                held["\(root)/\(index)/config"].map { String(decoding: $0, as: UTF8.self) } == "\(version) \(index)")
        }
        #expect(held["\(root)/10/config"] == nil)
        // Both subscriptions ended: nothing is left to receive.
        #expect(reader.handle.state.withLock { $0.subscriptions.isEmpty })

        // Nothing retained: an empty answer, not a failure.
        let none = await reader.retainedMessages(
            under: "\(root)/nothing/+", markerTopic: "\(root)/marker2", timeout: .seconds(60))
        #expect(none == [:])
        await publisher.disconnect()
        await reader.disconnect()
    }
}
