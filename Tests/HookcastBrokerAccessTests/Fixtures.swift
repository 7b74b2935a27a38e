import Foundation
import HookcastBrokerAccess
import HookcastProtocol

/// Accounts and requests for the plugin's unit tests. The gateway account is `gateway` with password
/// `gateway-password`; a device's password is its id followed by `-password` unless a test says otherwise.
enum Fixtures {
    static let gatewayName = "gateway"
    static let gatewayPassword = "gateway-password"

    static func credential(_ password: String) -> String {
        StoredCredential(password: password).hex
    }

    static func device(_ id: String, password: String? = nil, groups: [String] = []) -> BrokerDeviceAccount {
        BrokerDeviceAccount(
            id: try! DeviceID(id), credential: credential(password ?? "\(id)-password"),
            groups: groups.map { try! GroupID($0) })
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

/// SplitMix64: the same sequence for the same seed on every platform (as the gateway's fuzz tests use).
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
