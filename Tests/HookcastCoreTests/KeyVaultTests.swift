import Foundation
import Testing

@testable import HookcastCore

@Suite struct KeyVaultTests {
    @Test func createsTheMasterKeyWithMode0600() async throws {
        try await withTemporaryDirectory { directory in
            _ = try KeyVault.loadOrCreate(in: directory)
            let path = directory.appendingPathComponent("master.key").path
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
            #expect((attributes[.size] as? NSNumber)?.intValue == 32)
            // No temporary file is left beside it.
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["master.key"])
        }
    }

    @Test func createsAMissingDataDirectory() async throws {
        try await withTemporaryDirectory { directory in
            let nested = directory.appendingPathComponent("a/b")
            _ = try KeyVault.loadOrCreate(in: nested)
            #expect(FileManager.default.fileExists(atPath: nested.appendingPathComponent("master.key").path))
        }
    }

    @Test func reloadingUsesTheSameKey() async throws {
        try await withTemporaryDirectory { directory in
            let first = try KeyVault.loadOrCreate(in: directory)
            let sealed = try first.encrypt("hk_secret")
            let second = try KeyVault.loadOrCreate(in: directory)
            #expect(try second.decrypt(sealed) == "hk_secret")
        }
    }

    @Test func encryptionRoundTripsAndIsRandomised() async throws {
        try await withTemporaryDirectory { directory in
            let vault = try KeyVault.loadOrCreate(in: directory)
            let a = try vault.encrypt("hk_value")
            let b = try vault.encrypt("hk_value")
            #expect(a != b)
            #expect(try vault.decrypt(a) == "hk_value")
            #expect(a.range(of: Data("hk_value".utf8)) == nil)
        }
    }

    @Test func anotherMasterKeyCannotDecrypt() async throws {
        try await withTemporaryDirectory { directory in
            let vault = try KeyVault.loadOrCreate(in: directory.appendingPathComponent("one"))
            let other = try KeyVault.loadOrCreate(in: directory.appendingPathComponent("two"))
            let sealed = try vault.encrypt("hk_value")
            #expect(throws: KeyVaultError.decryptionFailed) { try other.decrypt(sealed) }
            #expect(throws: KeyVaultError.decryptionFailed) { try vault.decrypt(Data([1, 2, 3])) }
        }
    }

    @Test func refusesAMasterKeyFileOfTheWrongSize() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("master.key").path
            for size in [0, 31, 33] {
                try Data(repeating: 7, count: size).write(to: URL(fileURLWithPath: path))
                #expect(throws: KeyVaultError.masterKeyWrongSize(path: path, size: size)) {
                    try KeyVault.loadOrCreate(in: directory)
                }
            }
            // The damaged file is left for the operator, not replaced.
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)).count == 33)
        }
    }

    @Test func hashIsSHA256OfTheKeyString() async throws {
        try await withTemporaryDirectory { directory in
            let vault = try KeyVault.loadOrCreate(in: directory)
            // SHA-256("abc")
            #expect(
                vault.hash("abc").map { String(format: "%02x", $0) }.joined()
                    == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
            )
        }
    }
}
