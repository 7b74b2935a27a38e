import Foundation
import HookcastBrokerAccess
import HookcastProtocol
import HookcastTestSupport

/// Accounts and requests for the plugin's unit tests. The gateway account is `gateway` with password
/// `gateway-password`; a device's password is its id followed by `-password` unless a test says otherwise.
enum Fixtures {
    static let gatewayName = "gateway"
    static let gatewayPassword = "gateway-password"

    static func credential(_ password: String) -> String {
        StoredCredential(password: password).hex
    }

    static func device(_ id: String, password: String? = nil, groups: [String] = [], tags: [String] = [])
        -> BrokerDeviceAccount
    {
        BrokerDeviceAccount(
            id: try! DeviceID(id), credential: credential(password ?? "\(id)-password"),
            groups: groups.map { try! GroupID($0) }, tags: tags.map(DeviceTags.topicLevel))
    }

    static func state() -> BrokerAccessState {
        BrokerAccessState(gateways: GatewayAccounts([gatewayName: StoredCredential(password: gatewayPassword)]))
    }

    static func json(_ commands: [BrokerControlCommand]) -> Data {
        try! JSONEncoder().encode(BrokerControlRequest(commands: commands))
    }
}

extension BrokerAccessState {
    /// Sends `commands` as the gateway; returns the decoded response and the outcome.
    mutating func send(_ commands: BrokerControlCommand...) -> (results: [BrokerControlResult], outcome: ControlOutcome)
    {
        send(Fixtures.json(commands), from: Fixtures.gatewayName)
    }

    mutating func send(_ request: Data, from sender: String?) -> (
        results: [BrokerControlResult], outcome: ControlOutcome
    ) {
        let outcome = handleControl(request, from: sender)
        let response = try! JSONDecoder().decode(BrokerControlResponse.self, from: outcome.response)
        return (response.results, outcome)
    }

    /// Every device account, sorted by id, for comparing states.
    var sortedAccounts: [BrokerDeviceAccount] {
        devices.accounts().sorted { $0.id < $1.id }
    }
}
