import Foundation
import HookcastCore
import HookcastProtocol
import Hummingbird

/// `/api/v1/integrations` and `/api/v1/observers`: the broker accounts an operator makes for other systems
/// (docs/integrations.md, "MQTT accounts"). Each change is made in the store and in the broker plugin, or in
/// neither; a password is generated, shown once in the answer, and only its hash kept.
struct MQTTAccountsController: Sendable {
    let gateway: Gateway

    struct IntegrationRequest: Decodable {
        let name: MQTTAccountName
        let keyID: String
        let description: String?

        enum CodingKeys: String, CodingKey {
            case name, description
            case keyID = "key_id"
        }
    }

    struct ObserverRequest: Decodable {
        let name: MQTTAccountName
        let groups: [GroupID]?
        let includeCommands: Bool?
        let description: String?

        enum CodingKeys: String, CodingKey {
            case name, groups, description
            case includeCommands = "include_commands"
        }
    }

    struct ObserverUpdate: Decodable {
        /// Present and null: the whole fleet; absent: unchanged.
        let groups: [GroupID]??
        let includeCommands: Bool?
        let description: String??

        enum CodingKeys: String, CodingKey {
            case groups, description
            case includeCommands = "include_commands"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            groups =
                try container.contains(.groups)
                ? .some(container.decodeIfPresent([GroupID].self, forKey: .groups)) : nil
            includeCommands = try container.decodeIfPresent(Bool.self, forKey: .includeCommands)
            description =
                try container.contains(.description)
                ? .some(container.decodeIfPresent(String.self, forKey: .description)) : nil
        }
    }

    func addRoutes(to group: RouterGroup<HookcastRequestContext>) {
        for kind in BrokerClientAccount.Kind.allCases { addCommonRoutes(kind, to: group) }
        group.post("integrations") { request, context -> EditedResponse<MQTTAccountResponse> in
            let body = try await RequestBody.decode(IntegrationRequest.self, from: request, context: context)
            let keyID = try await existingKey(body.keyID)
            let description = try checked { () throws(ValidationError) in
                try MQTTAccountRules.description(body.description)
            }
            let created = try await create(body.name, .integration(keyID: keyID), description: description)
            return EditedResponse(status: .created, response: created)
        }
        group.post("observers") { request, context -> EditedResponse<MQTTAccountResponse> in
            let body = try await RequestBody.decode(ObserverRequest.self, from: request, context: context)
            let groups = try await existingGroups(body.groups)
            let description = try checked { () throws(ValidationError) in
                try MQTTAccountRules.description(body.description)
            }
            let created = try await create(
                body.name, .observer(groups: groups, includeCommands: body.includeCommands ?? false),
                description: description)
            return EditedResponse(status: .created, response: created)
        }
        group.patch("observers/:name") { request, context -> MQTTAccountResponse in
            let username = try username(.observer, context)
            let body = try await RequestBody.decode(ObserverUpdate.self, from: request, context: context)
            // `.some(nil)`: back to the whole fleet; nil: unchanged.
            var groups: [GroupID]?? = nil
            if let requested = body.groups { groups = .some(try await existingGroups(requested)) }
            var description: String?? = nil
            if let requested = body.description {
                description = .some(
                    try checked { () throws(ValidationError) in try MQTTAccountRules.description(requested) })
            }
            return try await update(username, "update") { account in
                guard case .observer(let oldGroups, let oldCommands) = account.role else { return }
                account.role = .observer(
                    groups: groups.map { $0 } ?? oldGroups, includeCommands: body.includeCommands ?? oldCommands)
                if let description { account.description = description }
            }
        }
    }

    /// List, read, delete and rotate the password: the same for both kinds.
    private func addCommonRoutes(_ kind: BrokerClientAccount.Kind, to group: RouterGroup<HookcastRequestContext>) {
        let store = gateway.store
        let plural = "\(kind.rawValue)s"
        group.get(RouterPath(plural)) { _, _ in
            let all = try await StoreFailure.mapping { try await store.mqttAccounts.all() }
            return ListResponse(items: all.filter { $0.kind == kind }.map { MQTTAccountResponse(account: $0) })
        }
        group.get(RouterPath("\(plural)/:name")) { _, context in
            MQTTAccountResponse(account: try await find(try username(kind, context)))
        }
        group.delete(RouterPath("\(plural)/:name")) { _, context -> Response in
            let username = try username(kind, context)
            try await StoreFailure.mapping {
                let before = try await find(username)
                _ = try await store.mqttAccounts.delete(username: username)
                await gateway.audit.changed(
                    .mqttAccount, id: username, "delete", before: MQTTAccountResponse(account: before))
            }
            await gateway.accounts.deleteClients([username])
            return Response(status: .noContent)
        }
        group.post(RouterPath("\(plural)/:name/password")) { _, context -> MQTTAccountResponse in
            try await rotatePassword(try username(kind, context))
        }
    }

    private func create(
        _ name: MQTTAccountName, _ role: MQTTAccount.Role, description: String?
    ) async throws -> MQTTAccountResponse {
        guard gateway.accounts.isManaged else { throw BrokerAccountError.notManaged.clientAccountError }
        let password = BrokerPassword.generate()
        let account = MQTTAccount(
            name: name, role: role, description: description, createdAt: Date(),
            credential: BrokerCredential.of(password: password))
        // The store first: a name already taken is refused before the broker hears of it, and a broker that does
        // not confirm has the row taken back.
        try await StoreFailure.mapping { try await gateway.store.mqttAccounts.insert(account) }
        do {
            try await gateway.accounts.putClient(account.brokerAccount)
        } catch {
            _ = try? await gateway.store.mqttAccounts.delete(username: account.username)
            throw error.clientAccountError
        }
        await gateway.audit.changed(
            .mqttAccount, id: account.username, "create", after: MQTTAccountResponse(account: account))
        return MQTTAccountResponse(account: account, password: password)
    }

    /// The broker first, then the store: if storing fails the next reconciliation gives the broker the stored
    /// credential back, so the old password keeps working and the new one, never shown, is forgotten.
    private func rotatePassword(_ username: String) async throws -> MQTTAccountResponse {
        guard gateway.accounts.isManaged else { throw BrokerAccountError.notManaged.clientAccountError }
        var account = try await find(username)
        let password = BrokerPassword.generate()
        account.credential = BrokerCredential.of(password: password)
        do {
            try await gateway.accounts.putClient(account.brokerAccount)
        } catch {
            throw error.clientAccountError
        }
        try await StoreFailure.mapping { try await gateway.store.mqttAccounts.update(account) }
        await gateway.audit.changed(.mqttAccount, id: username, "rotate_password")
        return MQTTAccountResponse(account: account, password: password)
    }

    /// Changes the stored account, then the broker's; a broker that does not confirm has the store put back.
    private func update(
        _ username: String, _ operation: String, _ change: (inout MQTTAccount) -> Void
    ) async throws -> MQTTAccountResponse {
        let before = try await find(username)
        var after = before
        change(&after)
        guard after != before else { return MQTTAccountResponse(account: after) }
        guard gateway.accounts.isManaged else { throw BrokerAccountError.notManaged.clientAccountError }
        try await StoreFailure.mapping { try await gateway.store.mqttAccounts.update(after) }
        do {
            try await gateway.accounts.putClient(after.brokerAccount)
        } catch {
            try? await gateway.store.mqttAccounts.update(before)
            throw error.clientAccountError
        }
        await gateway.audit.changed(
            .mqttAccount, id: username, operation, before: MQTTAccountResponse(account: before),
            after: MQTTAccountResponse(account: after))
        return MQTTAccountResponse(account: after)
    }

    private func find(_ username: String) async throws -> MQTTAccount {
        guard
            let found = try await StoreFailure.mapping({ try await gateway.store.mqttAccounts.find(username: username) }
            )
        else { throw APIError.notFound("not_found", "There is no MQTT account '\(username)'.") }
        return found
    }

    private func existingKey(_ raw: String) async throws -> UUID {
        guard let id = UUID(uuidString: raw) else {
            throw APIError.unprocessable(field: "key_id", "key_id must be an API key's id (a UUID).")
        }
        guard try await StoreFailure.mapping({ try await gateway.keys.get(id: id) }) != nil else {
            throw APIError.unprocessable(field: "key_id", "key_id names no API key.")
        }
        return id
    }

    /// Validated, and each an existing group: a group made later under a deleted group's id must not widen a scope.
    private func existingGroups(_ groups: [GroupID]?) async throws -> [GroupID]? {
        guard let groups = try checked({ () throws(ValidationError) in try MQTTAccountRules.observerGroups(groups) })
        else {
            return nil
        }
        let known = Set(try await StoreFailure.mapping { try await gateway.store.groups.all() }.map(\.id))
        if let missing = groups.first(where: { !known.contains($0) }) {
            throw APIError.unprocessable(field: "groups", "groups names '\(missing)', which is no group.")
        }
        return groups
    }

    private func username(_ kind: BrokerClientAccount.Kind, _ context: HookcastRequestContext) throws -> String {
        let name = try PathParameter.require(context, "name", what: kind.rawValue) { try MQTTAccountName($0) }
        return BrokerClientAccount.username(kind: kind, name: name)
    }
}

/// A 422 naming the field for what the rules refuse.
private func checked<Value>(_ body: () throws(ValidationError) -> Value) throws -> Value {
    do {
        return try body()
    } catch {
        throw APIError.unprocessable(field: error.field, error.description)
    }
}

extension Error {
    fileprivate var clientAccountError: any Error {
        (self as? BrokerAccountError)?.clientAccountError ?? self
    }
}
