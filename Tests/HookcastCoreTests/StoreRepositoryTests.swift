import Foundation
import HookcastPostgres
import HookcastPostgresTestSupport
import Testing

@testable import HookcastCore
@testable import HookcastProtocol

/// The same behaviour checked against every store (memory, SQLite, PostgreSQL), so none can drift from the others.
@Suite struct StoreRepositoryTests {
    @Test(arguments: StoreKind.allCases)
    func devicesSupportCRUDAndConflicts(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let d2 = Device(id: try deviceID("d2"), name: "Two", tags: ["lobby"], createdAt: referenceDate)
            let d1 = Device(id: try deviceID("d1"), name: "One", createdAt: referenceDate)
            try await store.devices.insert(d2)
            try await store.devices.insert(d1)
            #expect(try await store.devices.all() == [d1, d2])
            #expect(try await store.devices.allIDs() == [d1.id, d2.id])
            #expect(try await store.devices.find(id: d2.id) == d2)
            #expect(try await store.devices.find(id: try deviceID("nope")) == nil)
            await #expect(throws: StoreError.conflict("device 'd1' already exists")) {
                try await store.devices.insert(d1)
            }
            // The admin API's create stores a device with its broker credential this way.
            await #expect(throws: StoreError.conflict("device 'd1' already exists")) {
                try await store.devices.insert([d1], brokerCredentials: [d1.id: String(repeating: "a", count: 64)])
            }

            var renamed = d2
            renamed.name = "Renamed"
            renamed.tags = ["a", "b"]
            try await store.devices.update(renamed)
            #expect(try await store.devices.find(id: d2.id) == renamed)
            let ghost = Device(id: try deviceID("ghost"), name: "G", createdAt: referenceDate)
            await #expect(throws: StoreError.notFound("device 'ghost' does not exist")) {
                try await store.devices.update(ghost)
            }

            #expect(try await store.devices.delete(id: d1.id))
            #expect(try await store.devices.delete(id: d1.id) == false)
            #expect(try await store.devices.allIDs() == [d2.id])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func groupsKeepSortedMembersAndRejectUnknownDevices(kind: StoreKind) async throws {
        try await kind.withStore { store in
            for raw in ["d1", "d2", "d3"] {
                try await store.devices.insert(Device(id: try deviceID(raw), name: raw, createdAt: referenceDate))
            }
            let group = DeviceGroup(
                id: try groupID("g1"),
                name: "Lobby",
                members: [try deviceID("d3"), try deviceID("d1"), try deviceID("d3")],
                createdAt: referenceDate
            )
            #expect(group.members.map(\.rawValue) == ["d1", "d3"])
            try await store.groups.insert(group)
            try await store.groups.insert(
                DeviceGroup(id: try groupID("g0"), name: "Empty", createdAt: referenceDate)
            )
            #expect(try await store.groups.find(id: group.id) == group)
            #expect(try await store.groups.all().map(\.id.rawValue) == ["g0", "g1"])
            #expect(try await store.groups.all().last == group)
            await #expect(throws: StoreError.conflict("group 'g1' already exists")) {
                try await store.groups.insert(group)
            }

            let stranger = DeviceGroup(
                id: try groupID("g2"),
                name: "Bad",
                members: [try deviceID("d1"), try deviceID("x9"), try deviceID("x8")],
                createdAt: referenceDate
            )
            await #expect(
                throws: ValidationError(
                    field: "members",
                    message: "contains 'x8', 'x9', which are not registered devices"
                )
            ) { try await store.groups.insert(stranger) }
            #expect(try await store.groups.find(id: stranger.id) == nil)

            var changed = group
            changed.name = "Hall"
            changed.members = [try deviceID("d2")]
            try await store.groups.update(changed)
            #expect(try await store.groups.find(id: group.id) == changed)
            var invalid = changed
            invalid.members = [try deviceID("zz")]
            await #expect(throws: ValidationError.self) { try await store.groups.update(invalid) }
            #expect(try await store.groups.find(id: group.id) == changed)
            await #expect(throws: StoreError.notFound("group 'g2' does not exist")) {
                try await store.groups.update(stranger)
            }

            #expect(try await store.groups.groups(containing: try deviceID("d2")) == [group.id])
            #expect(try await store.groups.delete(id: group.id))
            #expect(try await store.groups.delete(id: group.id) == false)
            #expect(try await store.groups.groups(containing: try deviceID("d2")) == [])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func deletingADeviceRemovesItFromEveryGroup(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let d1 = try deviceID("d1")
            let d2 = try deviceID("d2")
            for id in [d1, d2] {
                try await store.devices.insert(Device(id: id, name: id.rawValue, createdAt: referenceDate))
            }
            for raw in ["ga", "gb"] {
                try await store.groups.insert(
                    DeviceGroup(id: try groupID(raw), name: raw, members: [d1, d2], createdAt: referenceDate)
                )
            }
            #expect(try await store.groups.groups(containing: d1).map(\.rawValue) == ["ga", "gb"])
            #expect(try await store.devices.delete(id: d1))
            #expect(try await store.groups.groups(containing: d1) == [])
            #expect(try await store.groups.all().map(\.members) == [[d2], [d2]])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func actionsSupportCRUDAndConflicts(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let door = try makeAction("door", target: .device(try deviceID("d1")))
            let alarm = try makeAction(
                "alarm",
                function: .emergency,
                params: ActionParameters(state: .on, message: "Leave"),
                target: .group(try groupID("g1")),
                ttlSeconds: 60
            )
            try await store.actions.insert(door)
            try await store.actions.insert(alarm)
            #expect(try await store.actions.all() == [alarm, door])
            #expect(try await store.actions.find(eventID: door.eventID) == door)
            await #expect(throws: StoreError.conflict("action 'door' already exists")) {
                try await store.actions.insert(door)
            }

            var changed = door
            changed.enabled = false
            changed.function = .refreshDatasource
            changed.params = ActionParameters(datasourceID: "news")
            changed.target = .all
            changed.updatedAt = referenceDate.addingTimeInterval(10)
            changed.createdAt = referenceDate.addingTimeInterval(99)
            try await store.actions.update(changed)
            var expected = changed
            expected.createdAt = door.createdAt
            #expect(try await store.actions.find(eventID: door.eventID) == expected)
            let ghost = try makeAction("ghost")
            await #expect(throws: StoreError.notFound("action 'ghost' does not exist")) {
                try await store.actions.update(ghost)
            }

            #expect(try await store.actions.delete(eventID: door.eventID))
            #expect(try await store.actions.delete(eventID: door.eventID) == false)
            #expect(try await store.actions.find(eventID: door.eventID) == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func commandsPageNewestFirstAndTrackPublishing(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let sensor = SensorData(id: "s", event: "e", value: .object(["v": .number(1)]))
            let old = try makeCommand(issuedAt: referenceDate)
            let sameTimeLater = try makeCommand(issuedAt: referenceDate, target: .group(try groupID("g")))
            let new = try makeCommand(issuedAt: referenceDate.addingTimeInterval(5), sensorData: sensor)
            let middle = try makeCommand(
                issuedAt: referenceDate.addingTimeInterval(2),
                target: .device(try deviceID("d"))
            )
            for command in [old, sameTimeLater, new, middle] {
                try await store.commands.insert(command)
            }
            await #expect(throws: StoreError.self) { try await store.commands.insert(old) }
            #expect(try await store.commands.count() == 4)
            #expect(try await store.commands.find(id: new.id) == new)
            #expect(try await store.commands.find(id: UUID()) == nil)

            #expect(
                try await store.commands.page(offset: 0, limit: 10).map(\.id) == [
                    new.id, middle.id, sameTimeLater.id, old.id,
                ]
            )
            #expect(try await store.commands.page(offset: 1, limit: 2).map(\.id) == [middle.id, sameTimeLater.id])
            #expect(try await store.commands.page(offset: 4, limit: 2) == [])

            #expect(
                try await store.commands.unpublished(limit: 10).map(\.id) == [
                    old.id, sameTimeLater.id, middle.id, new.id,
                ]
            )
            try await store.commands.markPublishFailed(id: old.id, error: "broker down")
            #expect(try await store.commands.find(id: old.id)?.publishError == "broker down")
            // Given up on: no longer waiting for the outbox.
            #expect(
                try await store.commands.unpublished(limit: 10).map(\.id) == [sameTimeLater.id, middle.id, new.id])
            let publishedAt = referenceDate.addingTimeInterval(30)
            try await store.commands.markPublished(id: old.id, at: publishedAt)
            try await store.commands.markPublished(id: middle.id, at: publishedAt)
            let published = try await store.commands.find(id: old.id)
            #expect(published?.publishedAt == publishedAt)
            #expect(published?.publishError == nil)
            #expect(try await store.commands.unpublished(limit: 1).map(\.id) == [sameTimeLater.id])
            await #expect(throws: StoreError.self) {
                try await store.commands.markPublished(id: UUID(), at: publishedAt)
            }
            await #expect(throws: StoreError.self) {
                try await store.commands.markPublishFailed(id: UUID(), error: "x")
            }
        }
    }

    @Test(arguments: StoreWithCacheKind.allCases)
    func keysAreFoundByIDAndHash(kind: StoreWithCacheKind) async throws {
        try await kind.withStore { store in
            let record = APIKey(
                id: UUID(),
                name: "k",
                enabled: true,
                createdAt: referenceDate,
                lastUsedAt: nil,
                maskedKey: "hk_a…b"
            )
            let stored = StoredAPIKey(record: record, secretHash: Data([1, 2, 3]), encryptedSecret: Data([9, 9]))
            try await store.keys.insert(stored)
            #expect(try await store.keys.find(id: record.id) == stored)
            #expect(try await store.keys.find(hash: Data([1, 2, 3])) == stored)
            #expect(try await store.keys.find(hash: Data([1, 2])) == nil)

            var sameHash = stored
            sameHash.record.id = UUID()
            await #expect(throws: StoreError.self) { try await store.keys.insert(sameHash) }

            var changed = stored
            changed.record.name = "renamed"
            changed.record.enabled = false
            // Both stores keep every field an update may change, not only the ones shown in a listing.
            changed.record.requireSignature = true
            changed.record.rateLimit = RateLimit(perSecond: 0.5, burst: 2)
            changed.encryptedSigningSecret = Data([7, 7])
            changed.record.eventIDs = [try EventID("quake"), try EventID("door.open:front")]
            changed.record.expiresAt = referenceDate.addingTimeInterval(3600)
            try await store.keys.update(changed)
            try await store.keys.touch(id: record.id, at: referenceDate.addingTimeInterval(1))
            changed.record.lastUsedAt = referenceDate.addingTimeInterval(1)
            #expect(try await store.keys.all() == [changed])
            // Also through the gateway's cache, which answered both reads above before the writes.
            #expect(try await store.keys.find(id: record.id) == changed)
            #expect(try await store.keys.find(hash: Data([1, 2, 3])) == changed)
            // A scope set at creation is kept too.
            var scoped = StoredAPIKey(
                record: APIKey(
                    id: UUID(), name: "scoped", enabled: true, createdAt: referenceDate, lastUsedAt: nil,
                    maskedKey: "hk_c…d", eventIDs: [try EventID("e")], expiresAt: referenceDate),
                secretHash: Data([4]), encryptedSecret: Data([5]))
            try await store.keys.insert(scoped)
            #expect(try await store.keys.find(id: scoped.record.id) == scoped)
            scoped.record.eventIDs = nil
            scoped.record.expiresAt = nil
            try await store.keys.update(scoped)
            #expect(try await store.keys.find(hash: Data([4])) == scoped)
            #expect(try await store.keys.delete(id: record.id))
            #expect(try await store.keys.delete(id: record.id) == false)
            await #expect(throws: StoreError.self) { try await store.keys.update(changed) }
            try await store.keys.touch(id: record.id, at: referenceDate)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aClosedStoreReportsUnavailableAndClosesTwiceQuietly(kind: StoreKind) async throws {
        switch kind {
        case .memory:
            let store = InMemoryStore()
            try await store.close()
            await #expect(throws: StoreError.self) { try await store.devices.all() }
            try await store.close()
        case .sqlite:
            try await withTemporaryDirectory { directory in
                let store = try await SQLiteStore.open(dataDirectory: directory, logger: quietLogger)
                try await store.close()
                await #expect(throws: StoreError.unavailable("The database is closed.")) {
                    try await store.devices.all()
                }
                // A second close is harmless.
                try await store.close()
            }
        case .postgres:
            try await SharedPostgres.withDatabase { location in
                let store = try await PostgresStore.open(location, logger: quietLogger)
                try await store.close()
                let error = await #expect(throws: StoreError.self) { try await store.devices.all() }
                guard case .unavailable(let message) = error else {
                    Issue.record("expected unavailable, got \(String(describing: error))")
                    return
                }
                #expect(message.contains(location.description))
                try await store.close()
            }
        }
    }
}
