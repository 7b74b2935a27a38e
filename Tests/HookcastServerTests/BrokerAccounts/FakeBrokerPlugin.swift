import Foundation
import HookcastProtocol
import Synchronization

@testable import HookcastServer

/// Answers control requests in process the way Hookcast's broker plugin does (docs/security.md, the control
/// channel): a table of accounts, the digest, sync generations. Deliberately tiny: a test fake, not a second plugin.
final class FakeBrokerPlugin: BrokerControlTransport {
    struct State {
        var accounts: [DeviceID: BrokerDeviceAccount] = [:]
        var clients: [String: BrokerClientAccount] = [:]
        /// Every request received, answered or not, with its size in bytes.
        var requests: [(request: BrokerControlRequest, bytes: Int)] = []
        /// False: requests are taken and never answered, as by a broker without the plugin.
        var answering = true
        /// Names of accounts that are not the plugin's to create: gateway accounts and the broker's other accounts.
        var takenNames: Set<String> = ["hookcast-gateway"]
        var sync: (generation: UInt64, put: Set<DeviceID>)?
    }

    let state = Mutex(State())
    private let answers: AsyncStream<BrokerControlAnswer>
    private let answer: AsyncStream<BrokerControlAnswer>.Continuation

    init() {
        (answers, answer) = AsyncStream.makeStream(of: BrokerControlAnswer.self)
    }

    var accounts: [DeviceID: BrokerDeviceAccount] { state.withLock { $0.accounts } }
    var clients: [String: BrokerClientAccount] { state.withLock { $0.clients } }
    var requests: [BrokerControlRequest] { state.withLock { $0.requests.map(\.request) } }

    func forgetRequests() { state.withLock { $0.requests = [] } }

    func publish(request payload: [UInt8], correlationData: [UInt8]) async throws {
        let request = try JSONDecoder().decode(BrokerControlRequest.self, from: Data(payload))
        let response = state.withLock { state -> BrokerControlResponse? in
            state.requests.append((request, payload.count))
            guard state.answering else { return nil }
            guard payload.count <= BrokerControl.maximumRequestBytes,
                request.commands.map(\.deviceCount).reduce(0, +) <= BrokerControl.maximumDevicesPerRequest
            else { return BrokerControlResponse(results: [.init(command: "request", error: "too large")]) }
            return BrokerControlResponse(results: request.commands.map { Self.apply($0, to: &state) })
        }
        guard let response else { return }
        // Yielded outside the lock.
        answer.yield(
            BrokerControlAnswer(correlationData: correlationData, payload: Array(try JSONEncoder().encode(response))))
    }

    func receiveAnswers(_ deliver: @Sendable (BrokerControlAnswer) -> Void) async {
        for await answer in answers { deliver(answer) }
    }

    func close() { answer.finish() }

    private static func apply(_ command: BrokerControlCommand, to state: inout State) -> BrokerControlResult {
        var result = BrokerControlResult(command: command.name)
        switch command {
        case .putDevices(let accounts):
            let taken = accounts.map(\.id).filter { state.takenNames.contains($0.rawValue) }
            if let first = taken.first {
                result.error = "device \(first): the name of an account the plugin does not manage"
                result.taken = taken
                return result
            }
            for account in accounts {
                state.accounts[account.id] = account
                state.sync?.put.insert(account.id)
            }
        case .setGroups(let devices):
            var missing: [DeviceID] = []
            for device in devices {
                if state.accounts[device.id] == nil {
                    missing.append(device.id)
                } else {
                    state.accounts[device.id]?.groups = device.groups
                }
            }
            result.missing = missing
        case .deleteDevices(let ids):
            for id in ids { state.accounts[id] = nil }
        case .removeGroup(let group):
            for id in state.accounts.keys { state.accounts[id]?.groups.removeAll { $0 == group } }
        case .beginSync(let generation):
            state.sync = (generation, [])
        case .endSync(let generation):
            guard let sync = state.sync, sync.generation == generation else {
                result.error = "no sync \(generation) in progress"
                return result
            }
            let removed = state.accounts.keys.filter { !sync.put.contains($0) }
            for id in removed { state.accounts[id] = nil }
            state.sync = nil
            result.count = removed.count
        case .digest:
            let digest = BrokerAccountDigest(state.accounts.values)
            result.count = digest.count
            result.digest = digest.hex
        case .putClients(let clients), .replaceClients(let clients):
            if let taken = clients.first(where: { state.takenNames.contains($0.username) }) {
                result.error = "client \(taken.username): the name of an account the plugin does not manage"
                return result
            }
            let kept = Set(clients.map(\.username))
            let removed = state.clients.keys.filter { !kept.contains($0) }
            for client in clients { state.clients[client.username] = client }
            result.count = clients.count
            if case .replaceClients = command {
                for username in removed { state.clients[username] = nil }
                result.count = removed.count
            }
        case .deleteClients(let usernames):
            result.count = usernames.filter { state.clients.removeValue(forKey: $0) != nil }.count
        }
        return result
    }
}
