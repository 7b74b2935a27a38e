import Foundation
import HookcastBrokerAccess
import HookcastProtocol
import HookcastTestSupport
import Testing

/// The plugin's journal in a real broker: what the plugin answered survives a `kill -9`, with no gateway around
/// to give it back.
@Suite("Broker plugin: accounts survive a crash of the broker", .serialized)
struct PluginDurabilityTests {
    let root = testTopics.root

    @Test("After kill -9 and a restart, every account answered before logs in; removed ones do not")
    func accountsSurviveKill() async throws {
        let broker = try await PluginBroker()
        let accounts = try (0..<300).map {
            try BrokerDeviceAccount.make("crash-\($0)", password: "pw-\($0)", groups: ["hall"])
        }
        for start in stride(from: 0, to: accounts.count, by: 100) {
            let results = try await broker.control(.putDevices(Array(accounts[start..<start + 100])))
            #expect(results.allSatisfy { $0.error == nil }, "\(results)")
        }
        // Every kind of record: a group change, a removal, a changed password.
        let movedID = try DeviceID("crash-1")
        let changed = try BrokerDeviceAccount.make("crash-3", password: "new-pw", groups: ["hall"])
        let results = try await broker.control(
            .setGroups([BrokerDeviceGroups(id: movedID, groups: [])]), .deleteDevices([try DeviceID("crash-2")]),
            .putDevices([changed]))
        #expect(results.allSatisfy { $0.error == nil }, "\(results)")
        let before = try await broker.digest()
        #expect(before.count == 299)

        await broker.broker.kill()
        try await broker.broker.start()

        let after = try await broker.digest()
        #expect(after.count == before.count)
        #expect(after.digest == before.digest)
        let device = try await broker.subscriber(
            "crash-7", password: "pw-7", filters: ["\(root)/devices/crash-7/commands"])
        #expect(device.output.contains("received SUBACK"), "\(device.output)")
        let renewed = try await broker.subscriber(
            "crash-3", password: "new-pw", filters: ["\(root)/devices/crash-3/commands"])
        #expect(renewed.output.contains("received SUBACK"), "\(renewed.output)")
        for (id, password) in [("crash-2", "pw-2"), ("crash-3", "pw-3")] {
            let refused = try await broker.subscriber(
                id, password: password, filters: ["\(root)/devices/\(id)/commands"])
            #expect(!refused.output.contains("received SUBACK"), "\(id): \(refused.output)")
        }
        // The group change survived too: the moved device may no longer subscribe to the group's commands (135,
        // not authorized), a member still may.
        let group = ["\(root)/groups/hall/commands"]
        let moved = try await broker.subscriber("crash-1", password: "pw-1", filters: group)
        #expect(moved.output.contains("received SUBACK") && moved.output.contains("135"), "\(moved.output)")
        let member = try await broker.subscriber("crash-5", password: "pw-5", filters: group)
        #expect(member.output.contains("received SUBACK") && !member.output.contains("135"), "\(member.output)")
    }
}
