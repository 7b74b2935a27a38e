import Foundation

/// Who logs in to the bench broker with what (bench/README.md, "The broker"). scripts/bench writes the directory:
/// `gateway.json`, the gateway account `hookcast broker-setup` made, and one `<account>.password` file (0600) per
/// account of mosquitto's own `password_file`, each allowed by its `acl_file` only the topics that client uses.
/// The simulated devices' accounts are not here: Hookcast creates them when the harness imports the devices.
struct BenchAccounts {
    /// Reads every command topic and every acknowledgement topic.
    static let observer = "bench-observer"
    /// Reads the devices' presence.
    static let presence = "bench-presence"
    /// Writes and reads `bench/ceiling/…` only: the raw MQTT ceiling's two clients.
    static let ceilingPublisher = "bench-ceiling-publisher"
    static let ceilingSubscriber = "bench-ceiling-subscriber"
    /// Writes the broadcast command topic only: the raw fan-out ceiling.
    static let fanOut = "bench-fanout"

    /// A peer's account: writes the device, group and broadcast command topics, reads nothing.
    static func peer(_ name: String) -> String { "bench-peer-\(name)" }

    let directory: URL

    /// The file holding `account`'s password, for a process that reads it itself (the peers).
    func passwordFile(_ account: String) -> URL { directory.appendingPathComponent("\(account).password") }

    /// `account`'s user name and password, for the harness's own clients.
    func login(_ account: String) throws -> (username: String, password: String) {
        let file = passwordFile(account)
        guard let text = try? String(contentsOf: file, encoding: .utf8),
            let password = text.split(whereSeparator: \.isNewline).first.map(String.init), !password.isEmpty
        else { throw BenchHTTP.Failure(description: "no password for broker account \(account) in \(file.path)") }
        return (account, password)
    }

    /// The gateway's credentials file (`{"username", "password"}`), which `hookcast serve --mqtt-credentials` reads.
    var gatewayCredentialsFile: URL { directory.appendingPathComponent("gateway.json") }

    /// The gateway's login, for the harness's one connection as the gateway (forgetting its broker session).
    func gatewayLogin() throws -> (username: String, password: String) {
        guard let data = try? Data(contentsOf: gatewayCredentialsFile),
            let fields = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let username = fields["username"] as? String, let password = fields["password"] as? String
        else {
            throw BenchHTTP.Failure(description: "no gateway credentials in \(gatewayCredentialsFile.path)")
        }
        return (username, password)
    }
}
