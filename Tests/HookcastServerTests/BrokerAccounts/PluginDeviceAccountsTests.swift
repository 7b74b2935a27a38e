import Crypto
import Foundation
import HookcastCore
import HookcastProtocol
import Logging
import Synchronization
import Testing

@testable import HookcastServer

/// The gateway's side of the broker plugin, against `FakeBrokerPlugin`: batching, reconciliation by digest, and
/// what the store keeps of a password.
@Suite struct PluginDeviceAccountsTests {
    @Test func tenThousandDevicesTravelInAHundredRequests() async throws {
        let store = InMemoryStore()
        try await withPluginAccounts(store: store) { accounts, plugin in
            let rows = try await insertDevices(10_000, into: store, group: "lobby")
            let passwords = try await createAccounts(rows, accounts, store)
            #expect(passwords.count == 10_000)
            let requests = plugin.state.withLock { $0.requests }
            #expect(requests.count == 10_000 / BrokerControlBatches.devicesPerRequest, "\(requests.count) requests")
            for (request, bytes) in requests {
                #expect(request.commands.map(\.deviceCount).reduce(0, +) <= BrokerControlBatches.devicesPerRequest)
                #expect(bytes <= BrokerControl.maximumRequestBytes)
            }
            #expect(plugin.accounts.count == 10_000)
            #expect(plugin.accounts[try DeviceID("screen-42")]?.groups == [try GroupID("lobby")])
            #expect(try await store.devices.brokerCredentials().count == 10_000)
        }
    }

    @Test func devicesInManyGroupsAreSplitByBytesToo() throws {
        let groups = try (0..<120).map { try GroupID("group-\($0)-" + String(repeating: "g", count: 50)) }
        let accounts = try (0..<500).map {
            BrokerDeviceAccount(
                id: try DeviceID("d\($0)"), credential: String(repeating: "a", count: 64), groups: groups)
        }
        let batches = BrokerControlBatches.putDevices(accounts)
        // About 7.3 KB a device: the byte budget, not the count per request, decides.
        #expect(batches.count > accounts.count / BrokerControlBatches.devicesPerRequest)
        #expect(batches.flatMap { $0 } == accounts)
        for batch in batches {
            let bytes = try JSONEncoder().encode(BrokerControlRequest(commands: [.putDevices(batch)])).count
            #expect(bytes <= BrokerControl.maximumRequestBytes)
        }
    }

    @Test func reconcilingWithAnEqualDigestSendsOnlyTheQuestion() async throws {
        let store = InMemoryStore()
        try await withPluginAccounts(store: store) { accounts, plugin in
            _ = try await createAccounts(try await insertDevices(30, into: store, group: "hall"), accounts, store)
            plugin.forgetRequests()
            #expect(try await accounts.reconcileNow() == .inStep)
            #expect(plugin.requests == [BrokerControlRequest(commands: [.digest])])
        }
    }

    @Test func driftIsRepairedByOneSyncAndThenInStep() async throws {
        let store = InMemoryStore()
        try await withPluginAccounts(store: store) { accounts, plugin in
            _ = try await createAccounts(try await insertDevices(1_200, into: store, group: "hall"), accounts, store)
            let expected = plugin.accounts
            // The broker lost one account, another's groups, and holds one the store does not know.
            let (lost, regrouped, stray) = (try DeviceID("screen-1"), try DeviceID("screen-2"), try DeviceID("stray"))
            plugin.state.withLock { state in
                state.accounts[lost] = nil
                state.accounts[regrouped]?.groups = []
                state.accounts[stray] = BrokerDeviceAccount(id: stray, credential: "00", groups: [])
            }
            // A device from before the store kept credentials: no account can be made for it.
            try await store.devices.insert(Device(id: try DeviceID("old-one"), name: "old", createdAt: Date()))
            plugin.forgetRequests()

            #expect(try await accounts.reconcileNow() == .synchronized(put: 1_200, removed: 1))
            #expect(plugin.accounts == expected)
            let names = plugin.requests.map { $0.commands.map(\.name) }
            #expect(names.first == ["digest"])
            #expect(names.dropFirst().first == ["beginSync"])
            #expect(names.last == ["endSync"])
            #expect(names.filter { $0 == ["putDevices"] }.count == 1_200 / BrokerControlBatches.devicesPerRequest)

            plugin.forgetRequests()
            #expect(try await accounts.reconcileNow() == .inStep)
            #expect(plugin.requests.count == 1)
        }
    }

    @Test(arguments: ["memory", "sqlite"])
    func theStoreKeepsTheSHA256OfThePasswordNeverThePassword(kind: String) async throws {
        let directory = GatewayHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store: any HookcastStore =
            kind == "memory"
            ? InMemoryStore() : try await SQLiteStore.open(dataDirectory: directory, logger: Logger(label: "test"))
        try await withPluginAccounts(store: store) { accounts, plugin in
            let id = try DeviceID("door-1")
            let new = NewBrokerPasswords(for: [id])
            try await store.devices.insert(
                [Device(id: id, name: "Door", createdAt: Date())], brokerCredentials: new.credentials)
            try await accounts.register([NewDeviceAccount(id: id, groups: [], tags: [])], credentials: new.credentials)
            let password = try #require(new.passwords[id])
            let credential = try #require(try await store.devices.brokerCredentials()[id])
            #expect(credential == sha256Hex(password))
            #expect(credential != password && credential.count == 64)
            #expect(plugin.accounts[id]?.credential == credential)

            let renewed = try await accounts.resetPassword(id)
            #expect(renewed != password)
            #expect(try await store.devices.brokerCredentials()[id] == sha256Hex(renewed))
            #expect(plugin.accounts[id]?.credential == sha256Hex(renewed))
        }
        try await store.close()
    }

    @Test func createdAndImportedDevicesGetTheirGroupsAndTagsFromTheRequest() async throws {
        let plugin = FakeBrokerPlugin()
        let run = RunningAccounts()
        try await InProcessGateway.runAndInspect(accounts: { store in
            run.start(pluginAccounts(plugin, store: store))
        }) { parts in
            let created = try await parts.client.admin(.post, "devices", #"{"id":"door-1","tags":["Floor 2"]}"#)
            #expect(created.status == .created, "\(created.text)")
            let imported = try await parts.client.admin(
                .post, "devices/import",
                #"[{"id":"door-2","tags":["lobby","Floor 2"],"groups":["hall"]},{"id":"door-3","groups":["hall","exit"]}]"#
            )
            #expect(imported.status == .ok, "\(imported.text)")
            let accounts = plugin.accounts
            let floor = DeviceTags.topicLevel("Floor 2")
            let lobby = DeviceTags.topicLevel("lobby")
            #expect(accounts[try DeviceID("door-1")]?.tags == [floor])
            #expect(accounts[try DeviceID("door-1")]?.groups == [])
            #expect(accounts[try DeviceID("door-2")]?.tags == [floor, lobby].sorted())
            #expect(accounts[try DeviceID("door-2")]?.groups == [try GroupID("hall")])
            #expect(accounts[try DeviceID("door-3")]?.tags == [])
            #expect(accounts[try DeviceID("door-3")]?.groups == [try GroupID("exit"), try GroupID("hall")])
            // What the plugin was given is what the store holds.
            for id in ["door-1", "door-2", "door-3"] {
                let device = try #require(try await parts.store.devices.find(id: try DeviceID(id)))
                #expect(accounts[device.id]?.tags == PluginDeviceAccounts.tagLevels(device.tags))
                let groups = try await parts.store.groups.groups(containing: device.id)
                #expect(accounts[device.id]?.groups == groups.sorted { $0.rawValue < $1.rawValue })
            }
        }
        plugin.close()
        await run.wait()
    }

    @Test func noAnswerIsA503AndNoDeviceIsKept() async throws {
        let plugin = FakeBrokerPlugin()
        plugin.state.withLock { $0.answering = false }
        try await InProcessGateway.runAndInspect(accounts: { store in
            pluginAccounts(plugin, store: store, timeout: .milliseconds(100))
        }) { parts in
            let created = try await parts.client.admin(.post, "devices", #"{"id":"door-9"}"#)
            #expect(created.status == .serviceUnavailable, "\(created.text)")
            #expect(created.errorCode == "broker_unavailable")
            #expect(created.headers[.retryAfter] == "5")
            #expect(created.string("detail")?.contains("Hookcast's broker plugin") == true)
            #expect(try await parts.store.devices.find(id: try DeviceID("door-9")) == nil)
            // An import's devices are removed again all at once, with their credentials.
            let rows = (1...1_000).map { #"{"id":"door-1\#($0)"}"# }
            let imported = try await parts.client.admin(.post, "devices/import", "[\(rows.joined(separator: ","))]")
            #expect(imported.status == .serviceUnavailable, "\(imported.text)")
            #expect(try await parts.store.devices.allIDs().isEmpty)
            #expect(try await parts.store.devices.brokerCredentials().isEmpty)
        }
    }

    @Test func theGatewaysOwnAccountNameIsRefusedWith409() async throws {
        let plugin = FakeBrokerPlugin()
        try await InProcessGateway.runAndInspect(
            configure: { $0.mqttUsername = "hookcast-gateway" },
            accounts: { store in
                pluginAccounts(plugin, store: store, gatewayUsername: "hookcast-gateway")
            }
        ) { parts in
            let reserved = try await parts.client.admin(.post, "devices", #"{"id":"hookcast-gateway"}"#)
            #expect(reserved.status == .conflict, "\(reserved.text)")
            #expect(reserved.errorCode == "reserved_id")
            #expect(try await parts.store.devices.find(id: try DeviceID("hookcast-gateway")) == nil)
            #expect(plugin.requests.isEmpty)
        }
    }

    /// An operator's account in the broker's password_file, which the plugin names in `taken`: never a device's.
    @Test func anotherBrokerAccountsNameIsRefusedWith409AndNothingIsKept() async throws {
        let plugin = FakeBrokerPlugin()
        plugin.state.withLock { _ = $0.takenNames.insert("admin") }
        let run = RunningAccounts()
        try await InProcessGateway.runAndInspect(accounts: { store in
            run.start(pluginAccounts(plugin, store: store))
        }) { parts in
            let created = try await parts.client.admin(.post, "devices", #"{"id":"admin"}"#)
            #expect(created.status == .conflict, "\(created.text)")
            #expect(created.errorCode == "reserved_id")
            #expect(try await parts.store.devices.find(id: try DeviceID("admin")) == nil)
            let imported = try await parts.client.admin(
                .post, "devices/import", #"[{"id":"screen-1"},{"id":"admin"}]"#)
            #expect(imported.status == .conflict, "\(imported.text)")
            #expect(try await parts.store.devices.find(id: try DeviceID("screen-1")) == nil)
            #expect(plugin.accounts.keys.contains(try DeviceID("admin")) == false)
        }
        plugin.close()
        await run.wait()
    }

    @Test func theAPIAnswersWithThePasswordAfterThePluginHasTheAccount() async throws {
        let plugin = FakeBrokerPlugin()
        let run = RunningAccounts()
        try await InProcessGateway.runAndInspect(accounts: { store in
            run.start(pluginAccounts(plugin, store: store))
        }) { parts in
            let created = try await parts.client.admin(.post, "devices", #"{"id":"door-2"}"#)
            #expect(created.status == .created, "\(created.text)")
            let password = try #require(created.string("mqtt_password"))
            #expect(plugin.accounts[try DeviceID("door-2")]?.credential == sha256Hex(password))

            // An import's devices are stored with their credentials; the plugin has the same, and the answer the
            // passwords (a device already registered gets none).
            let imported = try await parts.client.admin(
                .post, "devices/import", #"[{"id":"door-2"},{"id":"door-3"},{"id":"door-4"}]"#)
            #expect(imported.status == .ok, "\(imported.text)")
            guard case .object(let answered)? = imported["mqtt_passwords"] else {
                Issue.record("no mqtt_passwords in \(imported.text)")
                return
            }
            let passwords = answered.compactMapValues { value -> String? in
                if case .string(let password) = value { return password }
                return nil
            }
            #expect(Set(passwords.keys) == ["door-3", "door-4"])
            let stored = try await parts.store.devices.brokerCredentials()
            for (raw, password) in passwords {
                let id = try DeviceID(raw)
                #expect(stored[id] == sha256Hex(password))
                #expect(plugin.accounts[id]?.credential == sha256Hex(password))
            }
            #expect(stored[try DeviceID("door-2")] == sha256Hex(password))
        }
        plugin.close()
        await run.wait()
    }
}

// MARK: - Helpers

private func sha256Hex(_ text: String) -> String {
    SHA256.hash(data: Array(text.utf8)).map { String(format: "%02x", $0) }.joined()
}

func pluginAccounts(
    _ plugin: FakeBrokerPlugin, store: any HookcastStore, gatewayUsername: String? = nil,
    timeout: Duration = .seconds(30), logger: Logger? = nil
) -> PluginDeviceAccounts {
    var quiet = Logger(label: "test")
    quiet.logLevel = .error
    return PluginDeviceAccounts(
        control: BrokerControlClient(transport: plugin, timeout: timeout), store: store,
        gatewayUsername: gatewayUsername, logger: logger ?? quiet)
}

/// Runs `body` with accounts over a fresh fake plugin, its answers served until the body returns.
private func withPluginAccounts(
    store: any HookcastStore, _ body: (PluginDeviceAccounts, FakeBrokerPlugin) async throws -> Void
) async throws {
    let plugin = FakeBrokerPlugin()
    let accounts = pluginAccounts(plugin, store: store)
    let serving = Task { await accounts.run() }
    defer { plugin.close() }
    try await body(accounts, plugin)
    plugin.close()
    await serving.value
}

/// Devices `screen-0` … in the store without credentials, all members of `group`, as `createAccounts` takes them.
private func insertDevices(_ count: Int, into store: any HookcastStore, group: String) async throws
    -> [NewDeviceAccount]
{
    let ids = try (0..<count).map { try DeviceID("screen-\($0)") }
    for id in ids { try await store.devices.insert(Device(id: id, name: id.rawValue, createdAt: Date())) }
    let groupID = try GroupID(group)
    try await store.groups.insert(DeviceGroup(id: groupID, name: group, members: ids, createdAt: Date()))
    return ids.map { NewDeviceAccount(id: $0, groups: [groupID], tags: []) }
}

/// Accounts for devices already stored without credentials, as an import makes them: passwords, their credentials
/// stored, the accounts sent to the plugin.
private func createAccounts(
    _ devices: [NewDeviceAccount], _ accounts: PluginDeviceAccounts, _ store: any HookcastStore
) async throws -> [DeviceID: String] {
    let new = NewBrokerPasswords(for: devices.map(\.id))
    try await store.devices.setBrokerCredentials(new.credentials)
    try await accounts.register(devices, credentials: new.credentials)
    return new.passwords
}

/// The serving task of accounts made inside `InProcessGateway`'s closure, awaited after it.
private final class RunningAccounts: Sendable {
    private let task = Mutex<Task<Void, Never>?>(nil)

    func start(_ accounts: PluginDeviceAccounts) -> PluginDeviceAccounts {
        task.withLock { $0 = Task { await accounts.run() } }
        return accounts
    }

    func wait() async { await task.withLock { $0 }?.value }
}
