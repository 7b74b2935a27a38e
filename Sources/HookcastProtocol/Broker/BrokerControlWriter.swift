/// Writes a control request as compact JSON with `JSONWriter`, the form `BrokerControlReader` reads fast, rather
/// than with `JSONEncoder`: an import of 10,000 devices is 100 requests of 100 accounts, and encoding them took the
/// gateway about 100 ms of CPU with `JSONEncoder` (`perf record` of an import), on a machine it often shares with
/// the broker. What it writes decodes with `JSONDecoder` to the same request (`ControlWriterTests`).
public enum BrokerControlWriter {
    public static func encode(_ request: BrokerControlRequest) -> [UInt8] {
        var writer = JSONWriter(capacity: 64 + request.commands.reduce(0) { $0 + 120 * $1.deviceCount })
        writer.openObject()
        writer.key("commands")
        writer.openArray()
        for command in request.commands { write(command, to: &writer) }
        writer.closeArray()
        writer.closeObject()
        return writer.bytes
    }

    private static func write(_ command: BrokerControlCommand, to writer: inout JSONWriter) {
        writer.openObject()
        writer.key("command")
        writer.string(command.name)
        switch command {
        case .putDevices(let accounts):
            objects(accounts, key: "devices", to: &writer) { account, writer in
                writer.key("id")
                writer.string(account.id.rawValue)
                writer.key("credential")
                writer.string(account.credential)
                groups(account.groups, tags: account.tags, to: &writer)
            }
        case .setGroups(let devices):
            objects(devices, key: "devices", to: &writer) { device, writer in
                writer.key("id")
                writer.string(device.id.rawValue)
                groups(device.groups, tags: device.tags, to: &writer)
            }
        case .deleteDevices(let ids):
            writer.key("ids")
            writer.openArray()
            for id in ids { writer.string(id.rawValue) }
            writer.closeArray()
        case .removeGroup(let group):
            writer.key("group")
            writer.string(group.rawValue)
        case .beginSync(let generation), .endSync(let generation):
            writer.key("generation")
            // A UInt64 may not fit `int`.
            writer.json(String(generation).utf8)
        case .digest:
            break
        case .putClients(let clients), .replaceClients(let clients):
            objects(clients, key: "clients", to: &writer) { client, writer in
                writer.key("kind")
                writer.string(client.role.kind.rawValue)
                writer.key("name")
                writer.string(client.name.rawValue)
                writer.key("credential")
                writer.string(client.credential)
                guard case .observer(let groups, let includeCommands) = client.role else { return }
                if let groups {
                    writer.key("groups")
                    writer.openArray()
                    for group in groups { writer.string(group.rawValue) }
                    writer.closeArray()
                }
                writer.key("commands")
                writer.json((includeCommands ? "true" : "false").utf8)
            }
        case .deleteClients(let usernames):
            writer.key("usernames")
            writer.openArray()
            for username in usernames { writer.string(username) }
            writer.closeArray()
        }
        writer.closeObject()
    }

    private static func objects<Item>(
        _ items: [Item], key: StaticString, to writer: inout JSONWriter, _ fields: (Item, inout JSONWriter) -> Void
    ) {
        writer.key(key)
        writer.openArray()
        for item in items {
            writer.openObject()
            fields(item, &writer)
            writer.closeObject()
        }
        writer.closeArray()
    }

    /// `groups`, then `tags` only when there are any (as `BrokerDeviceAccount` encodes).
    private static func groups(_ groups: [GroupID], tags: [String], to writer: inout JSONWriter) {
        writer.key("groups")
        writer.openArray()
        for group in groups { writer.string(group.rawValue) }
        writer.closeArray()
        guard !tags.isEmpty else { return }
        writer.key("tags")
        writer.openArray()
        for tag in tags { writer.string(tag) }
        writer.closeArray()
    }
}
