import Crypto
import Foundation
import Testing

@testable import HookcastServer

/// `hookcast broker-setup`'s files: the plugin's gateway accounts (a hash only) and the gateway's credentials.
@Suite struct GatewayAccountsFileTests {
    @Test func writesBothPrivatelyOnceWithOnlyTheHashForTheBroker() throws {
        let directory = GatewayHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let accounts = directory.appendingPathComponent("broker/gateway-accounts")
        let credentials = directory.appendingPathComponent("mqtt-gateway.json")
        #expect(try GatewayAccountsFile.create(accounts: accounts, credentials: credentials))
        #expect(try GatewayAccountsFile.create(accounts: accounts, credentials: credentials) == false)

        let stored = try BrokerCredentials.load(from: credentials)
        #expect(stored.username == "hookcast-gateway")
        let lines = try String(contentsOf: accounts, encoding: .utf8).split(separator: "\n")
            .filter { !$0.hasPrefix("#") }
        let hash = SHA256.hash(data: Array(stored.password.utf8)).map { String(format: "%02x", $0) }.joined()
        #expect(lines == ["hookcast-gateway:\(hash)"[...]])
        #expect(try String(contentsOf: accounts, encoding: .utf8).contains(stored.password) == false)
        for file in [accounts, credentials] {
            let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(file.lastPathComponent)")
        }
    }

    @Test func anAccountsFileWithoutTheCredentialsIsRefused() throws {
        let directory = GatewayHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let accounts = directory.appendingPathComponent("gateway-accounts")
        try Data("hookcast-gateway:00\n".utf8).write(to: accounts)
        #expect(throws: BrokerSetupError.self) {
            try GatewayAccountsFile.create(
                accounts: accounts, credentials: directory.appendingPathComponent("mqtt-gateway.json"))
        }
    }

    @Test func credentialsFromBeforeThePluginGetTheirAccountsFile() throws {
        let directory = GatewayHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let credentials = directory.appendingPathComponent("mqtt-gateway.json")
        try Data(#"{"username":"hookcast-gateway","password":"kept-password"}"#.utf8).write(to: credentials)
        let accounts = directory.appendingPathComponent("broker/gateway-accounts")
        #expect(try GatewayAccountsFile.create(accounts: accounts, credentials: credentials))
        let hash = SHA256.hash(data: Array("kept-password".utf8)).map { String(format: "%02x", $0) }.joined()
        #expect(try String(contentsOf: accounts, encoding: .utf8).contains("\nhookcast-gateway:\(hash)\n"))
        #expect(try BrokerCredentials.load(from: credentials).password == "kept-password")
    }
}
