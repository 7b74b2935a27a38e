import HookcastCore
import HookcastProtocol

/// The Hookcast part of the plugin's state, read from its `listClients` (verbose), `listGroups` and `listRoles`
/// answers. Accounts and groups that are not Hookcast's (an integrator's own users) are left out, so a
/// reconciliation never touches them.
struct DynamicSecurityListing {
    /// Device accounts (clients holding the shared device role) and the Hookcast groups each is in.
    private(set) var deviceClients: [DeviceID: [GroupID]] = [:]
    private(set) var groups: Set<GroupID> = []
    /// Devices that have a role of their own.
    private(set) var deviceRoles: Set<DeviceID> = []

    init(clients: DynamicSecurityResponse, groups: DynamicSecurityResponse, roles: DynamicSecurityResponse) {
        for case .object(let client) in Self.list("clients", in: clients) {
            guard case .string(let username)? = client["username"], let device = try? DeviceID(username),
                Self.names(in: client["roles"], key: "rolename").contains(BrokerAccessPolicy.everyDeviceRole)
            else { continue }
            deviceClients[device] = Self.names(in: client["groups"], key: "groupname")
                .compactMap(BrokerAccessPolicy.groupID(fromBrokerName:))
        }
        for case .string(let name) in Self.list("groups", in: groups) {
            if let group = BrokerAccessPolicy.groupID(fromBrokerName: name) { self.groups.insert(group) }
        }
        for case .string(let name) in Self.list("roles", in: roles) {
            if let device = BrokerAccessPolicy.deviceID(fromRoleName: name) { deviceRoles.insert(device) }
        }
    }

    private static func list(_ key: String, in response: DynamicSecurityResponse) -> [JSONValue] {
        guard case .object(let data)? = response.data, case .array(let items)? = data[key] else { return [] }
        return items
    }

    private static func names(in value: JSONValue?, key: String) -> [String] {
        guard case .array(let items)? = value else { return [] }
        return items.compactMap { item in
            guard case .object(let fields) = item, case .string(let name)? = fields[key] else { return nil }
            return name
        }
    }
}
