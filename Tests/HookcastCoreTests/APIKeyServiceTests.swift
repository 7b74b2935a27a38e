import Foundation
import Synchronization
import Testing

@testable import HookcastCore
@testable import HookcastProtocol

@Suite struct APIKeyServiceTests {
    /// A service over a real SQLite store in a temporary directory.
    private func withService(
        now: @escaping @Sendable () -> Date = { Date() },
        _ body: (APIKeyService, URL) async throws -> Void
    ) async throws {
        try await withSQLiteStore { store, directory in
            let vault = try KeyVault.loadOrCreate(in: directory)
            try await body(APIKeyService(vault: vault, repository: store.keys, now: now), directory)
        }
    }

    @Test func aCreatedKeyAuthenticatesWithItsSecret() async throws {
        try await withService { service, _ in
            let (key, secret, _) = try await service.create(name: " Zapier ")
            #expect(key.name == "Zapier")
            #expect(key.enabled)
            #expect(key.scope == "webhook")
            #expect(secret.value.hasPrefix("hk_"))
            #expect(secret.value.count == 3 + 43)
            #expect(try await service.authenticate(secret.value)?.id == key.id)
            #expect(try await service.list().map(\.id) == [key.id])
            #expect(try await service.get(id: key.id)?.name == "Zapier")
        }
    }

    @Test func theMaskedKeyShowsOnlyTheEnds() async throws {
        try await withService { service, _ in
            let (key, secret, _) = try await service.create(name: "k")
            let random = String(secret.value.dropFirst(3))
            #expect(key.maskedKey == "hk_" + random.prefix(4) + "…" + random.suffix(4))
            #expect(!key.maskedKey.contains(random))
            #expect(secret.description == key.maskedKey)
            #expect(!"\(secret)".contains(random))
            #expect(!String(reflecting: secret).contains(random))
            var dumped = ""
            dump(secret, to: &dumped)
            #expect(!dumped.contains(random))
            let json = String(decoding: try JSONEncoder().encode(key), as: UTF8.self)
            #expect(!json.contains(random))
        }
    }

    @Test func revealReturnsTheSecret() async throws {
        try await withService { service, _ in
            let (key, secret, _) = try await service.create(name: "k")
            #expect(try await service.reveal(id: key.id).value == secret.value)
            await #expect(throws: StoreError.self) { try await service.reveal(id: UUID()) }
        }
    }

    @Test func disabledAndDeletedKeysDoNotAuthenticate() async throws {
        try await withService { service, _ in
            let (key, secret, _) = try await service.create(name: "k")
            #expect(try await service.setEnabled(id: key.id, false).enabled == false)
            #expect(try await service.authenticate(secret.value) == nil)
            try await service.setEnabled(id: key.id, true)
            #expect(try await service.authenticate(secret.value) != nil)
            try await service.delete(id: key.id)
            #expect(try await service.authenticate(secret.value) == nil)
            await #expect(throws: StoreError.notFound("API key '\(key.id.uuidString.lowercased())' does not exist")) {
                try await service.delete(id: key.id)
            }
        }
    }

    @Test func unknownAndMalformedKeysDoNotAuthenticate() async throws {
        try await withService { service, _ in
            let (_, secret, _) = try await service.create(name: "k")
            #expect(try await service.authenticate("") == nil)
            #expect(try await service.authenticate(String(secret.value.dropFirst(3))) == nil)
            #expect(try await service.authenticate(secret.value + "x") == nil)
            #expect(try await service.authenticate("hk_" + String(repeating: "a", count: 1000)) == nil)
        }
    }

    @Test func authenticationRecordsLastUse() async throws {
        let clock = TestClock(referenceDate)
        let now: @Sendable () -> Date = { clock.now }
        try await withService(now: now) { service, _ in
            let (key, secret, _) = try await service.create(name: "k")
            #expect(key.lastUsedAt == nil)
            clock.advance(by: 60)
            let used = try await service.authenticate(secret.value)
            #expect(used?.lastUsedAt == referenceDate.addingTimeInterval(60))
            #expect(try await service.get(id: key.id)?.lastUsedAt == referenceDate.addingTimeInterval(60))
            // Within the resolution the stored time stays; past it, it moves.
            clock.advance(by: 30)
            #expect(try await service.authenticate(secret.value)?.lastUsedAt == referenceDate.addingTimeInterval(60))
            #expect(try await service.get(id: key.id)?.lastUsedAt == referenceDate.addingTimeInterval(60))
            clock.advance(by: 31)
            #expect(try await service.authenticate(secret.value)?.lastUsedAt == referenceDate.addingTimeInterval(121))
            #expect(try await service.get(id: key.id)?.lastUsedAt == referenceDate.addingTimeInterval(121))
        }
    }

    @Test func renameValidatesTheName() async throws {
        try await withService { service, _ in
            let (key, _, _) = try await service.create(name: "k")
            #expect(try await service.rename(id: key.id, name: "New name").name == "New name")
            #expect(try await service.get(id: key.id)?.name == "New name")
            await #expect(throws: ValidationError.self) { try await service.rename(id: key.id, name: "  ") }
            await #expect(throws: ValidationError.self) { try await service.create(name: "") }
            await #expect(throws: ValidationError.self) {
                try await service.create(name: String(repeating: "n", count: 101))
            }
        }
    }

    @Test func theDatabaseNeverHoldsTheSecretInPlainText() async throws {
        try await withTemporaryDirectory { directory in
            let store = try await SQLiteStore.open(dataDirectory: directory, logger: quietLogger)
            let service = APIKeyService(vault: try KeyVault.loadOrCreate(in: directory), repository: store.keys)
            var secrets: [APIKeySecret] = []
            for index in 0..<3 {
                let (key, secret, _) = try await service.create(name: "key \(index)")
                _ = try await service.authenticate(secret.value)
                _ = try await service.reveal(id: key.id)
                secrets.append(secret)
            }
            // Read while open (the -wal file holds the latest pages) and again after the checkpoint on close.
            var snapshots = [databaseBytes(in: directory)]
            try await store.close()
            snapshots.append(databaseBytes(in: directory))
            #expect(snapshots[0].count > 0)
            for secret in secrets {
                let random = Data(secret.value.dropFirst(3).utf8)
                for bytes in snapshots {
                    #expect(bytes.range(of: Data(secret.value.utf8)) == nil)
                    #expect(bytes.range(of: random) == nil)
                }
            }
        }
    }

    private func databaseBytes(in directory: URL) -> Data {
        ["", "-wal", "-shm"].reduce(into: Data()) { bytes, suffix in
            let url = directory.appendingPathComponent(SQLiteStore.fileName + suffix)
            bytes.append((try? Data(contentsOf: url)) ?? Data())
        }
    }
}

/// A settable clock for tests.
final class TestClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date) {
        current = Mutex(start)
    }

    var now: Date { current.withLock { $0 } }

    func advance(by seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }
}

extension APIKeyServiceTests {
    @Test func policiesAndTheSigningSecretSurviveAReopenOfTheStore() async throws {
        try await withTemporaryDirectory { directory in
            let vault = try KeyVault.loadOrCreate(in: directory)
            var store = try await SQLiteStore.open(dataDirectory: directory, logger: quietLogger)
            var service = APIKeyService(vault: vault, repository: store.keys)
            let (key, secret, signing) = try await service.create(
                name: "signer", requireSignature: true, rateLimit: RateLimit(perSecond: 2.5, burst: 5))
            let created = try #require(signing)
            #expect(key.requireSignature && key.hasSigningSecret)
            try await store.close()

            store = try await SQLiteStore.open(dataDirectory: directory, logger: quietLogger)
            service = APIKeyService(vault: vault, repository: store.keys)
            let found = try #require(try await service.authenticateWithSigningSecret(secret.value))
            #expect(found.key.rateLimit == RateLimit(perSecond: 2.5, burst: 5))
            #expect(found.key.requireSignature)
            #expect(found.signingSecret?.value == created.value)
            #expect(try await service.revealSigningSecret(id: key.id)?.value == created.value)

            let (_, rotated) = try await service.rotateSigningSecret(id: key.id)
            #expect(rotated.value != created.value)
            #expect(try await service.setRateLimit(id: key.id, nil).rateLimit == nil)
            let (relaxed, none) = try await service.setRequireSignature(id: key.id, false)
            #expect(!relaxed.requireSignature && relaxed.hasSigningSecret && none == nil)
            await #expect(throws: ValidationError.self) {
                try await service.setRateLimit(id: key.id, RateLimit(perSecond: .infinity, burst: 1))
            }
            try await store.close()
        }
    }
}
