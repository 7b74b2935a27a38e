import Foundation
import HookcastProtocol

/// What a record carries, as one JSON object with one key:
///
/// - journal segments: `{"changes":[{"put":{"id":…,"credential":…,"groups":[…],"tags":[…]}},{"delete":"<id>"},…]}`
///   (`tags` only when there are any), the
///   changes of one `append`, applied in order;
///   and, for integration and observer accounts, `{"putClient":{…}}` (`BrokerClientAccount`'s JSON) and
///   `{"deleteClient":"<username>"}`;
/// - snapshots: `{"accounts":[{"id":…,"credential":…,"groups":[…]},…]}` records, then one
///   `{"clients":[…]}` record when there are client accounts, then `{"end":{"count":N}}` with the number of
///   device accounts, so a snapshot is known to be whole. Journals and snapshots written before client accounts
///   have none of the client records and load as they did.
///
/// Written by hand, as the broker's thread encodes every append; read with `JSONDecoder`, only at start-up,
/// which also validates every identifier.
enum JournalPayload: Equatable {
    case changes([AccountChange])
    case accounts([BrokerDeviceAccount])
    case clients([BrokerClientAccount])
    case end(count: Int)

    func encoded() -> [UInt8] {
        var json = JSONWriter()
        switch self {
        case .changes(let changes):
            json.raw("{\"changes\":[")
            for (index, change) in changes.enumerated() {
                if index > 0 { json.raw(",") }
                switch change {
                case .put(let account):
                    json.raw("{\"put\":")
                    json.account(account)
                    json.raw("}")
                case .delete(let id):
                    json.raw("{\"delete\":")
                    json.string(id.rawValue)
                    json.raw("}")
                case .putClient(let account):
                    json.raw("{\"putClient\":")
                    json.client(account)
                    json.raw("}")
                case .deleteClient(let username):
                    json.raw("{\"deleteClient\":")
                    json.string(username)
                    json.raw("}")
                }
            }
            json.raw("]}")
        case .accounts(let accounts):
            json.raw("{\"accounts\":[")
            for (index, account) in accounts.enumerated() {
                if index > 0 { json.raw(",") }
                json.account(account)
            }
            json.raw("]}")
        case .clients(let accounts):
            json.raw("{\"clients\":[")
            for (index, account) in accounts.enumerated() {
                if index > 0 { json.raw(",") }
                json.client(account)
            }
            json.raw("]}")
        case .end(let count):
            json.raw("{\"end\":{\"count\":\(count)}}")
        }
        return json.bytes
    }

    static func decode(_ bytes: ArraySlice<UInt8>) throws -> JournalPayload {
        let coded = try JSONDecoder().decode(CodedPayload.self, from: Data(bytes))
        switch (coded.changes, coded.accounts, coded.clients, coded.end) {
        case (let changes?, nil, nil, nil): return .changes(changes.map(\.change))
        case (nil, let accounts?, nil, nil): return .accounts(accounts)
        case (nil, nil, let clients?, nil): return .clients(clients)
        case (nil, nil, nil, let end?): return .end(count: end.count)
        default: throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "not one known record"))
        }
    }
}

private struct CodedPayload: Decodable {
    struct End: Decodable { var count: Int }
    var changes: [CodedChange]?
    var accounts: [BrokerDeviceAccount]?
    var clients: [BrokerClientAccount]?
    var end: End?
}

private struct CodedChange: Decodable {
    var change: AccountChange

    private enum CodingKeys: String, CodingKey { case put, delete, putClient, deleteClient }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if container.contains(.putClient) || container.contains(.deleteClient) {
            guard !container.contains(.put), !container.contains(.delete) else {
                throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "two changes in one"))
            }
            switch (
                try container.decodeIfPresent(BrokerClientAccount.self, forKey: .putClient),
                try container.decodeIfPresent(String.self, forKey: .deleteClient)
            ) {
            case (let account?, nil): change = .putClient(account)
            case (nil, let username?): change = .deleteClient(username)
            default:
                throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "two changes in one"))
            }
            return
        }
        switch (
            try container.decodeIfPresent(BrokerDeviceAccount.self, forKey: .put),
            try container.decodeIfPresent(DeviceID.self, forKey: .delete)
        ) {
        case (let account?, nil): change = .put(account)
        case (nil, let id?): change = .delete(id)
        default:
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "a change is a put or a delete"))
        }
    }
}

/// Just enough JSON writing for `JournalPayload`: strings escaped as RFC 8259 requires.
private struct JSONWriter {
    var bytes: [UInt8] = []

    mutating func raw(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    mutating func account(_ account: BrokerDeviceAccount) {
        raw("{\"id\":")
        string(account.id.rawValue)
        raw(",\"credential\":")
        string(account.credential)
        raw(",\"groups\":[")
        for (index, group) in account.groups.enumerated() {
            if index > 0 { raw(",") }
            string(group.rawValue)
        }
        raw("]")
        // Left out when there are none, as `BrokerDeviceAccount` encodes: journals from before tags read the same.
        if !account.tags.isEmpty {
            raw(",\"tags\":[")
            for (index, tag) in account.tags.enumerated() {
                if index > 0 { raw(",") }
                string(tag)
            }
            raw("]")
        }
        raw("}")
    }

    mutating func client(_ account: BrokerClientAccount) {
        raw("{\"kind\":")
        string(account.role.kind.rawValue)
        raw(",\"name\":")
        string(account.name.rawValue)
        raw(",\"credential\":")
        string(account.credential)
        if case .observer(let groups, let includeCommands) = account.role {
            if let groups {
                raw(",\"groups\":[")
                for (index, group) in groups.enumerated() {
                    if index > 0 { raw(",") }
                    string(group.rawValue)
                }
                raw("]")
            }
            raw(includeCommands ? ",\"commands\":true" : ",\"commands\":false")
        }
        raw("}")
    }

    mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                bytes.append(UInt8(ascii: "\\"))
                bytes.append(byte)
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: "\\u00".utf8)
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0xF)])
            default:
                bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
