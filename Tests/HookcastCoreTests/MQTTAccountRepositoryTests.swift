import Foundation
import HookcastProtocol
import Testing

@testable import HookcastCore

/// Integration and observer accounts against every store: read back as written, scopes kept exactly (fleet,
/// groups, the empty scope a group deletion leaves), removed with their key.
@Suite struct MQTTAccountRepositoryTests {
    static func integration(_ name: String, key: UUID) -> MQTTAccount {
        MQTTAccount(
            name: try! MQTTAccountName(name), role: .integration(keyID: key), description: "ERP link",
            createdAt: referenceDate, credential: String(repeating: "a", count: 64))
    }

    static func observer(_ name: String, groups: [String]?, commands: Bool = false) -> MQTTAccount {
        MQTTAccount(
            name: try! MQTTAccountName(name),
            role: .observer(groups: groups.map { $0.map { try! GroupID($0) } }, includeCommands: commands),
            description: nil, createdAt: referenceDate, credential: String(repeating: "b", count: 64))
    }

    @Test(arguments: StoreKind.allCases)
    func accountsAreReadBackAsWritten(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let key = UUID()
            let accounts = [
                Self.integration("erp", key: key), Self.observer("fleet", groups: nil),
                Self.observer("lobby", groups: ["hall", "lobby"], commands: true),
            ]
            for account in accounts { try await store.mqttAccounts.insert(account) }
            #expect(try await store.mqttAccounts.all() == accounts)
            #expect(try await store.mqttAccounts.find(username: "integration.erp") == accounts[0])
            #expect(try await store.mqttAccounts.find(username: "observer.none") == nil)
            await #expect(throws: StoreError.self) { try await store.mqttAccounts.insert(accounts[1]) }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func anUpdateKeepsNameAndCreationTime(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let original = Self.observer("ops", groups: nil)
            try await store.mqttAccounts.insert(original)
            var changed = Self.observer("ops", groups: ["lobby"], commands: true)
            changed.createdAt = referenceDate.addingTimeInterval(60)
            changed.credential = String(repeating: "c", count: 64)
            changed.description = "night shift"
            try await store.mqttAccounts.update(changed)
            var expected = changed
            expected.createdAt = original.createdAt
            #expect(try await store.mqttAccounts.find(username: "observer.ops") == expected)
            await #expect(throws: StoreError.self) {
                try await store.mqttAccounts.update(Self.observer("missing", groups: nil))
            }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func deletingRemovesOneOrAKeysIntegrations(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let (key, other) = (UUID(), UUID())
            for account in [
                Self.integration("a", key: key), Self.integration("b", key: key), Self.integration("c", key: other),
                Self.observer("ops", groups: nil),
            ] {
                try await store.mqttAccounts.insert(account)
            }
            #expect(
                try await store.mqttAccounts.deleteIntegrations(keyID: key).map(\.username) == [
                    "integration.a", "integration.b",
                ])
            #expect(try await store.mqttAccounts.all().map(\.username) == ["integration.c", "observer.ops"])
            #expect(try await store.mqttAccounts.delete(username: "observer.ops"))
            #expect(try await !store.mqttAccounts.delete(username: "observer.ops"))
            #expect(try await store.mqttAccounts.all().map(\.username) == ["integration.c"])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aDeletedGroupLeavesObserversAndAnEmptyScopeIsNotTheFleet(kind: StoreKind) async throws {
        try await kind.withStore { store in
            for account in [
                Self.observer("both", groups: ["hall", "lobby"]), Self.observer("lobby", groups: ["lobby"]),
                Self.observer("fleet", groups: nil),
            ] {
                try await store.mqttAccounts.insert(account)
            }
            let changed = try await store.mqttAccounts.removeGroup(try GroupID("lobby"))
            #expect(changed == [Self.observer("both", groups: ["hall"]), Self.observer("lobby", groups: [])])
            #expect(
                try await store.mqttAccounts.find(username: "observer.lobby")?.role
                    == .observer(groups: [], includeCommands: false))
            #expect(
                try await store.mqttAccounts.find(username: "observer.fleet")?.role
                    == .observer(groups: nil, includeCommands: false))
            #expect(try await store.mqttAccounts.removeGroup(try GroupID("nowhere")).isEmpty)
        }
    }
}
