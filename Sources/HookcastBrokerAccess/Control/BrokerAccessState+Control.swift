import Foundation
import HookcastProtocol

extension BrokerAccessState {
    /// Applies a control request from the client logged in as `sender` and says what to do next. A request that is
    /// too large, unreadable (including an unknown command), names more than
    /// `BrokerControl.maximumDevicesPerRequest` devices, or does not come from a gateway account is refused as a
    /// whole with one `"request"` result and changes nothing. Otherwise each command is applied whole or not at
    /// all and answered at its position.
    public mutating func handleControl(_ request: Data, from sender: String?) -> ControlOutcome {
        guard let sender, gateways.contains(sender) else {
            return Self.refusal("only a gateway account may send control requests")
        }
        guard request.count <= BrokerControl.maximumRequestBytes else {
            return Self.refusal("the request is larger than \(BrokerControl.maximumRequestBytes) bytes")
        }
        // The gateway's requests take the fast reader; anything else the general decoder, which words the error.
        let decoded: BrokerControlRequest
        if let plain = BrokerControlReader.read(request) {
            decoded = plain
        } else {
            do {
                decoded = try UntrustedJSON.decode(BrokerControlRequest.self, from: request)
            } catch {
                return Self.refusal("unreadable request: \(Self.reason(error))")
            }
        }
        let devices = decoded.commands.reduce(0) { $0 + $1.deviceCount }
        guard devices <= BrokerControl.maximumDevicesPerRequest else {
            return Self.refusal(
                "the request names \(devices) devices, more than \(BrokerControl.maximumDevicesPerRequest)")
        }
        var outcome = ControlOutcome(response: Data())
        let results = decoded.commands.map { apply($0, into: &outcome) }
        outcome.response = Self.encode(BrokerControlResponse(results: results))
        return outcome
    }

    private mutating func apply(_ command: BrokerControlCommand, into outcome: inout ControlOutcome)
        -> BrokerControlResult
    {
        var result = BrokerControlResult(command: command.name)
        switch command {
        case .putDevices(let accounts):
            let taken = accounts.map(\.id).filter { isTaken($0.rawValue) }
            if let first = taken.first {
                result.error = "device \(first): the name of an account the plugin does not manage"
                result.taken = taken
                return result
            }
            var credentials: [StoredCredential] = []
            for account in accounts {
                guard let credential = StoredCredential(hex: account.credential) else {
                    result.error = "device \(account.id): the credential is not 64 lowercase hex digits"
                    return result
                }
                if let error = Self.tagLevelError(account.id, account.tags) {
                    result.error = error
                    return result
                }
                credentials.append(credential)
            }
            for (account, credential) in zip(accounts, credentials) {
                let effect = put(account, credential: credential)
                if effect != .unchanged { outcome.changes.append(.put(account)) }
                if effect == .credentialChanged { outcome.kicks.append(account.id.rawValue) }
            }
            result.count = accounts.count
        case .setGroups(let entries):
            if let error = entries.lazy.compactMap({ Self.tagLevelError($0.id, $0.tags) }).first {
                result.error = error
                return result
            }
            var missing: [DeviceID] = []
            for entry in entries {
                switch setGroups(entry.id, entry.groups, tags: entry.tags) {
                case nil: missing.append(entry.id)
                case true?: if let account = devices.account(entry.id) { outcome.changes.append(.put(account)) }
                case false?: break
                }
            }
            if !missing.isEmpty { result.missing = missing }
        case .deleteDevices(let ids):
            var removed = 0
            for id in ids where delete(id) {
                removed += 1
                outcome.changes.append(.delete(id))
                outcome.kicks.append(id.rawValue)
            }
            result.count = removed
        case .removeGroup(let group):
            let changed = removeGroup(group)
            for id in changed {
                if let account = devices.account(id) { outcome.changes.append(.put(account)) }
            }
            let observers = removeGroupFromObservers(group)
            outcome.changes.append(contentsOf: observers.map(AccountChange.putClient))
            result.count = changed.count
        case .beginSync(let generation):
            epoch &+= 1
            sync = (generation, epoch)
        case .endSync(let generation):
            guard let sync, sync.generation == generation else {
                result.error = "no reconciliation \(generation) is in progress"
                return result
            }
            let removed = removeUnmarked(epoch: sync.epoch)
            self.sync = nil
            for id in removed {
                outcome.changes.append(.delete(id))
                outcome.kicks.append(id.rawValue)
            }
            result.count = removed.count
        case .digest:
            result.count = digest.count
            result.digest = digest.hex
            result.topicPrefix = policy.topics.root
        case .putClients(let accounts):
            applyPutClients(accounts, into: &outcome, result: &result)
        case .deleteClients(let usernames):
            var removed = 0
            for username in usernames where deleteClient(username) {
                removed += 1
                outcome.changes.append(.deleteClient(username))
                outcome.kicks.append(username)
            }
            result.count = removed
        case .replaceClients(let accounts):
            applyPutClients(accounts, into: &outcome, result: &result)
            guard result.error == nil else { return result }
            let kept = Set(accounts.map(\.username))
            var removed = 0
            for username in clients.usernames where !kept.contains(username) && deleteClient(username) {
                removed += 1
                outcome.changes.append(.deleteClient(username))
                outcome.kicks.append(username)
            }
            result.count = removed
        }
        return result
    }

    /// Checks every account first, so a refused command changes nothing.
    private mutating func applyPutClients(
        _ accounts: [BrokerClientAccount], into outcome: inout ControlOutcome, result: inout BrokerControlResult
    ) {
        var credentials: [StoredCredential] = []
        for account in accounts {
            if isTaken(account.username) {
                result.error = "client \(account.username): the name of an account the plugin does not manage"
                return
            }
            guard let credential = StoredCredential(hex: account.credential) else {
                result.error = "client \(account.username): the credential is not 64 lowercase hex digits"
                return
            }
            credentials.append(credential)
        }
        for (account, credential) in zip(accounts, credentials) {
            let effect = putClient(account, credential: credential)
            if effect != .unchanged { outcome.changes.append(.putClient(account)) }
            if effect == .identityChanged { outcome.kicks.append(account.username) }
        }
        result.count = accounts.count
    }

    /// Why `tags` cannot be an account's tag levels, or nil: each must be a level `DeviceTags.topicLevel` can
    /// give, so no tag matches a topic it should not (a `+`, `#` or `/` in one would).
    private static func tagLevelError(_ id: DeviceID, _ tags: [String]) -> String? {
        guard tags.count <= DeviceTags.maximumCount else {
            return "device \(id): more than \(DeviceTags.maximumCount) tags"
        }
        guard tags.allSatisfy({ DeviceTags.isTopicLevel($0[...]) }) else {
            return "device \(id): a tag is not a percent-encoded topic level"
        }
        return nil
    }

    private static func refusal(_ reason: String) -> ControlOutcome {
        ControlOutcome(response: encode(BrokerControlResponse(results: [.init(command: "request", error: reason)])))
    }

    private static func encode(_ response: BrokerControlResponse) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings, numbers and arrays cannot fail.
        return (try? encoder.encode(response)) ?? Data(#"{"results":[]}"#.utf8)
    }

    /// A short reason that names where the request went wrong, never the values in it.
    private static func reason(_ error: any Error) -> String {
        switch error {
        case let failure as UntrustedJSON.Failure:
            return failure.description
        case let error as DecodingError:
            let path: [any CodingKey]
            let what: String
            switch error {
            case .keyNotFound(let key, let context): (path, what) = (context.codingPath + [key], "missing")
            case .typeMismatch(_, let context): (path, what) = (context.codingPath, "of the wrong type")
            case .valueNotFound(_, let context): (path, what) = (context.codingPath, "null")
            case .dataCorrupted(let context):
                (path, what) = (context.codingPath, "invalid: \(context.debugDescription.prefix(120))")
            @unknown default: (path, what) = ([], "invalid")
            }
            let name = path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return name.isEmpty ? "not a request (\(what))" : "\(name.drop { $0 == "." }) is \(what)"
        default:
            return "not valid JSON"
        }
    }
}
