import HookcastProtocol

/// One command of mosquitto's dynamic-security control API (`$CONTROL/dynamic-security/v1`), as the JSON object
/// the plugin reads.
struct DynamicSecurityCommand: Sendable {
    var fields: [String: JSONValue]

    var name: String {
        if case .string(let name) = fields["command"] { return name }
        return ""
    }

    private init(_ command: String, _ fields: [String: JSONValue] = [:]) {
        self.fields = fields.merging(["command": .string(command)]) { new, _ in new }
    }

    /// The client may connect only with its user name as client id: no other account can take over its session
    /// (and its queued commands) by connecting with its id.
    static func createClient(username: String, password: String, roles: [String], groups: [String]) -> Self {
        Self(
            "createClient",
            [
                "username": .string(username), "password": .string(password), "clientid": .string(username),
                "roles": .array(roles.map { .object(["rolename": .string($0)]) }),
                "groups": .array(groups.map { .object(["groupname": .string($0)]) }),
            ])
    }

    static func deleteClient(username: String) -> Self { Self("deleteClient", ["username": .string(username)]) }

    static func setClientPassword(username: String, password: String) -> Self {
        Self("setClientPassword", ["username": .string(username), "password": .string(password)])
    }

    /// Replaces the client's group list; the broker applies it to the connected client at once.
    static func setClientGroups(username: String, groups: [String]) -> Self {
        Self(
            "modifyClient",
            [
                "username": .string(username),
                "groups": .array(groups.map { .object(["groupname": .string($0)]) }),
            ])
    }

    static func listClients() -> Self {
        Self("listClients", ["verbose": .bool(true), "count": .number(-1), "offset": .number(0)])
    }

    static func createRole(_ name: String, permissions: [TopicPermission]) -> Self {
        Self(
            "createRole",
            [
                "rolename": .string(name),
                "acls": .array(
                    permissions.map {
                        .object([
                            "acltype": .string($0.kind.rawValue), "topic": .string($0.topic), "allow": .bool(true),
                        ])
                    }),
            ])
    }

    static func deleteRole(_ name: String) -> Self { Self("deleteRole", ["rolename": .string(name)]) }

    static func listRoles() -> Self { Self("listRoles", ["verbose": .bool(false), "count": .number(-1)]) }

    static func createGroup(_ name: String, role: String) -> Self {
        Self(
            "createGroup",
            ["groupname": .string(name), "roles": .array([.object(["rolename": .string(role)])])])
    }

    static func deleteGroup(_ name: String) -> Self { Self("deleteGroup", ["groupname": .string(name)]) }

    static func listGroups() -> Self { Self("listGroups", ["verbose": .bool(false), "count": .number(-1)]) }

    /// Refuse whatever no role allows; the plugin's own default lets every client receive any topic it subscribed
    /// to, which would let a device removed from a group keep reading the group's commands.
    static let denyByDefault = Self(
        "setDefaultACLAccess",
        [
            "acls": .array(
                DynamicSecurityFile.defaultAccess.map {
                    .object(["acltype": .string($0.key), "allow": .bool($0.value)])
                }
            )
        ])
}

/// The plugin's answer to one command.
struct DynamicSecurityResponse: Sendable {
    let command: String
    /// Set when the command failed, in the plugin's words ("Client not found", "Role already exists", …).
    let error: String?
    let data: JSONValue?

    var alreadyExists: Bool { error?.hasSuffix("already exists") == true }
    var notFound: Bool { error?.hasSuffix("not found") == true }
}
