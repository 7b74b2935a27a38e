extension BrokerControlCommand: Codable {
    private enum CodingKeys: String, CodingKey {
        case command, devices, ids, group, generation, clients, usernames
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let name = try container.decode(String.self, forKey: .command)
        switch name {
        case "putDevices": self = .putDevices(try container.decode([BrokerDeviceAccount].self, forKey: .devices))
        case "setGroups": self = .setGroups(try container.decode([BrokerDeviceGroups].self, forKey: .devices))
        case "deleteDevices": self = .deleteDevices(try container.decode([DeviceID].self, forKey: .ids))
        case "removeGroup": self = .removeGroup(try container.decode(GroupID.self, forKey: .group))
        case "beginSync": self = .beginSync(generation: try container.decode(UInt64.self, forKey: .generation))
        case "endSync": self = .endSync(generation: try container.decode(UInt64.self, forKey: .generation))
        case "digest": self = .digest
        case "putClients": self = .putClients(try container.decode([BrokerClientAccount].self, forKey: .clients))
        case "deleteClients": self = .deleteClients(try container.decode([String].self, forKey: .usernames))
        case "replaceClients":
            self = .replaceClients(try container.decode([BrokerClientAccount].self, forKey: .clients))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .command, in: container, debugDescription: "unknown command \"\(name.prefix(64))\"")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .command)
        switch self {
        case .putDevices(let devices): try container.encode(devices, forKey: .devices)
        case .setGroups(let devices): try container.encode(devices, forKey: .devices)
        case .deleteDevices(let ids): try container.encode(ids, forKey: .ids)
        case .removeGroup(let group): try container.encode(group, forKey: .group)
        case .beginSync(let generation), .endSync(let generation): try container.encode(generation, forKey: .generation)
        case .digest: break
        case .putClients(let clients), .replaceClients(let clients): try container.encode(clients, forKey: .clients)
        case .deleteClients(let usernames): try container.encode(usernames, forKey: .usernames)
        }
    }
}
