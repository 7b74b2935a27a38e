import Foundation
import HookcastPostgres
import HookcastPostgresTestSupport
import Testing

@testable import HookcastCore
@testable import HookcastProtocol

/// The audit log's contract, against every store.
@Suite struct AuditRepositoryTests {
    /// Entries a second apart, oldest first, alternating kinds.
    private static func entries(_ count: Int) -> [AuditEntry] {
        (0..<count).map { index in
            AuditEntry(
                at: referenceDate.addingTimeInterval(Double(index)),
                kind: [.trigger, .admin, .cancel][index % 3],
                actor: index % 3 == 0
                    ? AuditActor(type: .apiKey, id: "k\(index)", name: "Key \(index)") : .adminToken,
                remoteAddress: "10.0.0.\(index)", eventID: index % 3 == 0 ? "door_open" : nil,
                commandIDs: index % 3 == 1 ? [] : [.timeOrdered(at: referenceDate)],
                status: index % 3 == 0 ? 200 : nil, errorCode: index == 3 ? "rate_limited" : nil,
                resource: index % 3 == 1 ? "key" : nil, resourceID: index % 3 == 1 ? "id-\(index)" : nil,
                operation: index % 3 == 1 ? "update" : nil,
                before: index % 3 == 1 ? .object(["name": .string("old"), "enabled": .bool(true)]) : nil,
                after: index % 3 == 1 ? .object(["name": .string("new"), "n": .number(2)]) : nil,
                count: index == 3 ? 42 : 1)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func entriesComeBackAsWrittenNewestFirst(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let written = Self.entries(7)
            try await store.audit.insert(Array(written.prefix(3)))
            // Unsynced (webhook entries): committed all the same, only not waited for on disk.
            try await store.audit.insert(Array(written.dropFirst(3)), synced: false)
            let page = try await store.audit.page(before: nil, kind: nil, limit: 100)
            #expect(page == written.reversed())
            #expect(page.first { $0.count == 42 }?.errorCode == "rate_limited")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func pagesFollowTheCursorWithoutGapsOrRepeats(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let written = Self.entries(10)
            try await store.audit.insert(written)
            var seen: [AuditEntry] = []
            var cursor: UUID?
            while true {
                let page = try await store.audit.page(before: cursor, kind: nil, limit: 3)
                #expect(page.count <= 3)
                guard let last = page.last else { break }
                seen += page
                cursor = last.id
            }
            #expect(seen == written.reversed())
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aKindFilterKeepsOnlyThatKind(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let written = Self.entries(9)
            try await store.audit.insert(written)
            let admin = try await store.audit.page(before: nil, kind: .admin, limit: 2)
            #expect(admin == written.filter { $0.kind == .admin }.reversed().prefix(2).map { $0 })
            let older = try await store.audit.page(before: admin.last?.id, kind: .admin, limit: 10)
            #expect(older == written.filter { $0.kind == .admin }.reversed().dropFirst(2).map { $0 })
            #expect(try await store.audit.page(before: nil, kind: .cancel, limit: 0).isEmpty)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aDuplicateIdRefusesTheWholeBatch(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let written = Self.entries(2)
            try await store.audit.insert([written[0]])
            await #expect(throws: StoreError.self) { try await store.audit.insert([written[1], written[0]]) }
            #expect(try await store.audit.page(before: nil, kind: nil, limit: 10) == [written[0]])
        }
    }
}
