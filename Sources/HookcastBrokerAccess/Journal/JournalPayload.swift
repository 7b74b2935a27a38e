import Foundation
import HookcastProtocol

/// What a record carries, as one JSON object with one key:
///
/// - journal segments: `{"changes":[{"put":{"id":…,"credential":…,"groups":[…],"tags":[…]}},{"delete":"<id>"},…]}`
///   (`tags` only when there are any), the
///   changes of one `append`, applied in order;
/// - snapshots: `{"accounts":[{"id":…,"credential":…,"groups":[…]},…]}` records, then `{"end":{"count":N}}`
///   with the number of accounts, so a snapshot is known to be whole.
///
/// Written by hand, as the broker's thread encodes every append; read with `JSONDecoder`, only at start-up,
/// which also validates every identifier.
enum JournalPayload: Equatable {
    case changes([AccountChange])
    case accounts([BrokerDeviceAccount])
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
        case .end(let count):
            json.raw("{\"end\":{\"count\":\(count)}}")
        }
        return json.bytes
    }

    static func decode(_ bytes: ArraySlice<UInt8>) throws -> JournalPayload {
        let coded = try JSONDecoder().decode(CodedPayload.self, from: Data(bytes))
        switch (coded.changes, coded.accounts, coded.end) {
        case (let changes?, nil, nil): return .changes(changes.map(\.change))
        case (nil, let accounts?, nil): return .accounts(accounts)
        case (nil, nil, let end?): return .end(count: end.count)
        default: throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "not one known record"))
        }
    }
}

private struct CodedPayload: Decodable {
    struct End: Decodable { var count: Int }
    var changes: [CodedChange]?
    var accounts: [BrokerDeviceAccount]?
    var end: End?
}

private struct CodedChange: Decodable {
    var change: AccountChange

    private enum CodingKeys: String, CodingKey { case put, delete }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
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
