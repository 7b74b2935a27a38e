import ArgumentParser
import Foundation
import HookcastServer

/// `hookcast broker-setup`: the broker's first access configuration, before mosquitto starts for the first time.
struct BrokerSetupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "broker-setup",
        abstract: "Write the broker's dynamic-security file and the gateway's broker credentials, if missing.",
        discussion: """
            The file gives the gateway an account allowed to command devices and manage their accounts, and \\
            refuses everything else until the gateway creates devices. The gateway's password goes to the \\
            credentials file (mode 0600), which `hookcast serve` reads. Existing files are left alone.
            """
    )

    static let credentialsFileName = "mqtt-gateway.json"

    @Option(name: .customLong("data-dir"), help: "Data directory (HOOKCAST_DATA_DIR).")
    var dataDirectory: String = Environment.value("HOOKCAST_DATA_DIR") ?? "data"

    @Option(help: "The plugin's configuration file (default: broker/dynamic-security.json in the data directory).")
    var configFile: String?

    @Option(help: "Where the gateway's credentials go (default: \(credentialsFileName) in the data directory).")
    var credentialsFile: String?

    func run() throws {
        let configuration = URL(fileURLWithPath: configFile ?? "\(dataDirectory)/broker/dynamic-security.json")
        let credentials = URL(fileURLWithPath: credentialsFile ?? "\(dataDirectory)/\(Self.credentialsFileName)")
        if try DynamicSecurityFile.create(configuration: configuration, credentials: credentials) {
            print("Wrote \(configuration.path) and \(credentials.path).")
        } else {
            print("\(configuration.path) and \(credentials.path) exist; nothing changed.")
        }
    }
}
