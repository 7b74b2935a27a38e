import Foundation
import HookcastProtocol
import HookcastTestSupport

/// The broker of `hookcast-bench intake`: open, with a gateway that manages no accounts; or (`--gathered`) the
/// shipped broker with Hookcast's plugin, which gathers the acknowledgements for the gateway, the gateway logged in
/// with the account `hookcast broker-setup` made, and the replayer with an account of mosquitto's own
/// `password_file` (the plugin leaves it to that file, `plugin_opt_other_accounts defer`) that may read the
/// broadcast topic and write any device's acknowledgement, as the devices themselves would.
struct IntakeBroker {
    static let replayerAccount = "bench-replayer"

    let broker: TestBroker
    let gatewayAccounts: AccountsGateway.Accounts
    let replayerLogin: (username: String, password: String)?
    /// The password and access files, outside the broker's directory (which exists only once it starts).
    private let files: URL?

    static func start(gathered: Bool, topics: Topics) async throws -> IntakeBroker {
        guard gathered else {
            let broker = try await TestBroker(access: .open, topics: topics)
            return IntakeBroker(broker: broker, gatewayAccounts: .none, replayerLogin: nil, files: nil)
        }
        // mosquitto, started as root, drops to its own user, which must read these: a directory anyone may enter.
        let files = FileManager.default.temporaryDirectory.appendingPathComponent(
            "hookcast-intake-accounts-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(
            at: files, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        let password = UUID().uuidString
        let passwords = files.appendingPathComponent("passwords")
        let hashing = try ChildProcess(
            executable: "/usr/bin/mosquitto_passwd",
            arguments: ["-c", "-b", passwords.path, replayerAccount, password],
            directory: files, logFile: files.appendingPathComponent("mosquitto_passwd.log"))
        guard await hashing.exitStatus() == 0 else {
            throw BenchHTTP.Failure(description: "mosquitto_passwd failed; see \(files.path)")
        }
        let acl = files.appendingPathComponent("acl")
        try """
        user \(replayerAccount)
        topic read \(topics.allCommands)
        topic write \(topics.root)/devices/+/acks

        """.write(to: acl, atomically: true, encoding: .utf8)
        for file in [passwords, acl] {
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file.path)
        }
        let broker = try await TestBroker(
            access: .secure,
            extraConfiguration: [
                "plugin_opt_other_accounts defer", "plugin_opt_other_accounts_file \(passwords.path)",
                "password_file \(passwords.path)", "acl_file \(acl.path)",
            ],
            topics: topics)
        let gateway = try broker.gatewayCredentials
        return IntakeBroker(
            broker: broker, gatewayAccounts: .plugin(username: gateway.username, password: gateway.password),
            replayerLogin: (replayerAccount, password), files: files)
    }

    func stop() async {
        await broker.stop()
        if let files { try? FileManager.default.removeItem(at: files) }
    }
}
