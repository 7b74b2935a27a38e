import Foundation
import Testing

@testable import HookcastCore
@testable import HookcastProtocol

@Suite("The stores keep each device's presence and the last state it reported")
struct PresenceRepositoryTests {
    static let showing = ReportedDeviceState(
        currentURL: "https://example.com/menu", emergency: .init(active: true, message: "Leave"), loopPaused: true,
        pausedLoopID: "main", lastCommandAt: referenceDate, commandsExecuted: 4)

    static func presence(
        _ id: String, online: Bool, at offset: TimeInterval, agentVersion: String? = "1.0.0",
        state: ReportedDeviceState? = nil
    ) throws -> DevicePresence {
        DevicePresence(
            deviceID: try deviceID(id), online: online, since: referenceDate.addingTimeInterval(offset),
            agentVersion: agentVersion, state: state,
            stateReportedAt: state == nil ? nil : referenceDate.addingTimeInterval(offset))
    }

    /// For `/metrics` (issue 15, finding 3): a count by the store, where a scrape once read every row.
    @Test(arguments: StoreKind.allCases)
    func onlineDevicesAreCounted(kind: StoreKind) async throws {
        try await kind.withStore { store in
            #expect(try await store.deliveries.onlineDeviceCount() == 0)
            try await store.deliveries.updatePresence([
                try Self.presence("d1", online: true, at: 0, state: Self.showing),
                try Self.presence("d2", online: true, at: 0),
                try Self.presence("d3", online: false, at: 0),
                try Self.presence("d2", online: false, at: 1),
            ])
            #expect(try await store.deliveries.onlineDeviceCount() == 1)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aReportedStateRoundTrips(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let online = try Self.presence("d1", online: true, at: 0, state: Self.showing)
            let silent = try Self.presence("d2", online: true, at: 0)
            try await store.deliveries.updatePresence([online, silent])
            let stored = try await store.deliveries.presence()
            #expect(stored[try deviceID("d1")] == online)
            #expect(stored[try deviceID("d2")]?.state == nil)
            #expect(stored[try deviceID("d2")]?.stateReportedAt == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func theOfflineWillKeepsTheLastStateAndItsTime(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let id = try deviceID("d1")
            try await store.deliveries.updatePresence([
                try Self.presence("d1", online: true, at: 0, state: Self.showing)
            ])
            // The Last Will: no state, no agent version.
            try await store.deliveries.updatePresence([
                try Self.presence("d1", online: false, at: 5, agentVersion: nil)
            ])
            let afterWill = try #require(try await store.deliveries.presence()[id])
            #expect(!afterWill.online)
            #expect(afterWill.since == referenceDate.addingTimeInterval(5))
            #expect(afterWill.agentVersion == "1.0.0")
            #expect(afterWill.state == Self.showing)
            #expect(afterWill.stateReportedAt == referenceDate)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func theSameStateAgainKeepsItsFirstTimeAndANewOneReplacesIt(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let id = try deviceID("d1")
            var changed = Self.showing
            changed.currentURL = "https://example.com/other"
            changed.commandsExecuted += 1
            try await store.deliveries.updatePresence([
                try Self.presence("d1", online: true, at: 0, state: Self.showing),
                // Heard again (the gateway restarted and read the retained message): the same state, received later.
                try Self.presence("d1", online: true, at: 3, state: Self.showing),
            ])
            #expect(try await store.deliveries.presence()[id]?.stateReportedAt == referenceDate)
            try await store.deliveries.updatePresence([try Self.presence("d1", online: true, at: 9, state: changed)])
            let stored = try #require(try await store.deliveries.presence()[id])
            #expect(stored.state == changed)
            #expect(stored.stateReportedAt == referenceDate.addingTimeInterval(9))
        }
    }
}
