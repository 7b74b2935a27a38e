import Foundation
import Testing

@testable import HookcastCore
@testable import HookcastProtocol

/// Issue 15: a rotated-out signing secret stays valid for a grace period, in both stores and across a reopen.
@Suite struct SigningSecretRotationTests {
    @Test(arguments: StoreKind.allCases)
    func theReplacedSecretIsAcceptedUntilItsGraceEnds(kind: StoreKind) async throws {
        let vault = try await withTemporaryDirectory { try KeyVault.loadOrCreate(in: $0) }
        try await kind.withStore { store in
            let clock = TestClock(Date(timeIntervalSince1970: 1_800_000_000))
            let service = APIKeyService(vault: vault, repository: store.keys, now: { clock.now })
            let (key, secret, created) = try await service.create(name: "signer", requireSignature: true)
            let first = try #require(created)
            let (rotated, second) = try await service.rotateSigningSecret(id: key.id, grace: 3600)
            let expiry = clock.now.addingTimeInterval(3600)
            #expect(rotated.previousSigningSecretExpiresAt == expiry)
            #expect(try await service.get(id: key.id)?.previousSigningSecretExpiresAt == expiry)
            var found = try #require(try await service.authenticateWithSigningSecret(secret.value))
            #expect(found.signingSecret?.value == second.value)
            #expect(found.previousSigningSecret?.value == first.value)
            // Reveal shows the current secret only; the old one is never shown again.
            #expect(try await service.revealSigningSecret(id: key.id)?.value == second.value)

            clock.advance(by: 3600)
            found = try #require(try await service.authenticateWithSigningSecret(secret.value))
            #expect(found.previousSigningSecret == nil)
            #expect(try await service.get(id: key.id)?.previousSigningSecretExpiresAt == nil)
            #expect(try await service.list().first?.previousSigningSecretExpiresAt == nil)

            // 0: the replaced secret stops at once, and one still in its grace is dropped too.
            _ = try await service.rotateSigningSecret(id: key.id)
            #expect(try await service.get(id: key.id)?.previousSigningSecretExpiresAt != nil)
            let (immediate, third) = try await service.rotateSigningSecret(id: key.id, grace: 0)
            #expect(immediate.previousSigningSecretExpiresAt == nil)
            found = try #require(try await service.authenticateWithSigningSecret(secret.value))
            #expect(found.signingSecret?.value == third.value)
            #expect(found.previousSigningSecret == nil)
        }
    }

    @Test func aGraceOutsideItsRangeChangesNothing() async throws {
        try await withSQLiteStore { store, directory in
            let service = APIKeyService(vault: try KeyVault.loadOrCreate(in: directory), repository: store.keys)
            let (key, _, created) = try await service.create(name: "signer", requireSignature: true)
            for grace in [-1, APIKeyService.maximumSigningSecretGrace + 1, .nan, .infinity] {
                await #expect(throws: ValidationError.self) {
                    try await service.rotateSigningSecret(id: key.id, grace: grace)
                }
            }
            #expect(try await service.revealSigningSecret(id: key.id)?.value == created?.value)
        }
    }

    @Test func theGraceSurvivesAReopenOfTheStore() async throws {
        try await withTemporaryDirectory { directory in
            let vault = try KeyVault.loadOrCreate(in: directory)
            let (secret, created, rotated) = try await Self.withReopened(directory) { store in
                let service = APIKeyService(vault: vault, repository: store.keys)
                let (key, secret, created) = try await service.create(name: "signer", requireSignature: true)
                return (secret, try #require(created), try await service.rotateSigningSecret(id: key.id).0)
            }
            try await Self.withReopened(directory) { store in
                let service = APIKeyService(vault: vault, repository: store.keys)
                let found = try #require(try await service.authenticateWithSigningSecret(secret.value))
                #expect(found.previousSigningSecret?.value == created.value)
                #expect(found.key.previousSigningSecretExpiresAt == rotated.previousSigningSecretExpiresAt)
                // Stored encrypted like the current secret: the plain value is nowhere in the row.
                let stored = try await store.database.read { connection in
                    try connection.query("SELECT previous_signing_secret FROM api_keys").first?
                        .optionalBytes("previous_signing_secret")
                }
                let encrypted = try #require(stored)
                #expect(encrypted.range(of: Data(created.value.utf8)) == nil)
            }
        }
    }

    /// Opens the SQLite store in `directory`, runs `body`, and closes the store whatever `body` does.
    private static func withReopened<T>(_ directory: URL, _ body: (SQLiteStore) async throws -> T) async throws -> T {
        let store = try await SQLiteStore.open(dataDirectory: directory, logger: quietLogger)
        do {
            let result = try await body(store)
            try await store.close()
            return result
        } catch {
            try? await store.close()
            throw error
        }
    }
}

/// Issue 15: caller Idempotency-Keys starting with `~` get one more `~` (the server's `ReplayKey`); migration 11
/// does the same to the keys stored before, so a retry after the upgrade still finds its command.
@Suite struct CallerReplayKeyMigrationTests {
    @Test func storedTildeKeysAreEscapedWithoutCollisions() async throws {
        try await withSQLiteStore { store, _ in
            let apiKeyID = UUID()
            let start = Date(timeIntervalSince1970: 1_800_000_000)
            var records: [String: IdempotencyRecord] = [:]
            // "~a" and "~~a" both stored: escaping "~a" first would collide with "~~a" in a one-step update.
            for key in ["~a", "~~a", "~", "plain", "webhook-id:msg"] {
                let command = try makeCommand(issuedAt: start)
                let record = IdempotencyRecord(
                    apiKeyID: apiKeyID, key: key, fingerprint: "f", commandID: command.id, createdAt: start)
                #expect(try await store.commands.insert(command, idempotency: record) == .inserted)
                records[key] = record
            }
            try await store.database.write { connection in
                for statement in SQLiteMigration.callerReplayKeys.statements { try connection.execute(statement) }
            }
            let keys = try await store.database.read { connection in
                try connection.query("SELECT key FROM idempotency_keys ORDER BY key").map { try $0.string("key") }
            }
            #expect(keys == ["plain", "webhook-id:msg", "~~", "~~a", "~~~a"])
            // A retry of "~a" now arrives as "~~a" and finds the command "~a" made.
            for (old, new) in [("~a", "~~a"), ("~~a", "~~~a"), ("plain", "plain")] {
                let original = try #require(records[old])
                var retry = original
                retry.key = new
                retry.commandID = UUID()
                var expected = original
                expected.key = new
                #expect(
                    try await store.commands.insert(try makeCommand(issuedAt: start), idempotency: retry)
                        == .existing(expected))
            }
        }
    }
}
