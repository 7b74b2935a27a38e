import ArgumentParser
import Foundation
import HookcastServer

/// `hookcast broker-setup`: the broker's first access configuration, before mosquitto starts for the first time.
struct BrokerSetupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "broker-setup",
        abstract: "Write the broker plugin's gateway accounts file and the gateway's broker credentials, if missing.",
        discussion: """
            The gateway accounts file (plugin_opt_gateway_accounts in broker.conf) gives the gateway an account \
            allowed to command devices and manage their accounts; it holds only the SHA-256 of the password. The \
            password goes to the credentials file (mode 0600), which `hookcast serve` reads. Existing files are \
            left alone; credentials without an accounts file (from before the plugin) get one made from them.
            """
    )

    static let credentialsFileName = "mqtt-gateway.json"

    @Option(name: .customLong("data-dir"), help: "Data directory (HOOKCAST_DATA_DIR).")
    var dataDirectory: String = Environment.value("HOOKCAST_DATA_DIR") ?? "data"

    @Option(help: "The plugin's gateway accounts file (default: broker/gateway-accounts in the data directory).")
    var gatewayAccountsFile: String?

    @Option(help: "Where the gateway's credentials go (default: \(credentialsFileName) in the data directory).")
    var credentialsFile: String?

    func run() throws {
        let accounts = URL(fileURLWithPath: gatewayAccountsFile ?? "\(dataDirectory)/broker/gateway-accounts")
        let credentials = URL(fileURLWithPath: credentialsFile ?? "\(dataDirectory)/\(Self.credentialsFileName)")
        let hadCredentials = FileManager.default.fileExists(atPath: credentials.path)
        if try GatewayAccountsFile.create(accounts: accounts, credentials: credentials) {
            print(
                hadCredentials
                    ? "Wrote \(accounts.path) for the gateway account in \(credentials.path)."
                    : "Wrote \(accounts.path) and \(credentials.path).")
        } else {
            print("\(accounts.path) and \(credentials.path) exist; nothing changed.")
        }
    }
}
