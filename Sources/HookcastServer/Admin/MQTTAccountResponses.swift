import Foundation
import HookcastCore
import HookcastProtocol
import Hummingbird

/// An integration or observer account as the admin API shows it: never its credential; its password only in the
/// answer to a create or a rotation (`password`), once.
struct MQTTAccountResponse: ResponseEncodable, Sendable {
    let account: MQTTAccount
    var password: String? = nil

    enum CodingKeys: String, CodingKey {
        case name, kind, username, description, password
        case keyID = "key_id"
        case groups, fleet
        case includeCommands = "include_commands"
        case createdAt = "created_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(account.name, forKey: .name)
        try container.encode(account.kind, forKey: .kind)
        try container.encode(account.username, forKey: .username)
        try container.encode(account.description, forKey: .description)
        try container.encode(account.createdAt, forKey: .createdAt)
        switch account.role {
        case .integration(let keyID):
            try container.encode(keyID.lowercasedString, forKey: .keyID)
        case .observer(let groups, let includeCommands):
            // `fleet` says it in words: an empty `groups` (every group deleted) is not the whole fleet.
            try container.encode(groups == nil, forKey: .fleet)
            try container.encode(groups ?? [], forKey: .groups)
            try container.encode(includeCommands, forKey: .includeCommands)
        }
        try container.encodeIfPresent(password, forKey: .password)
    }
}

extension BrokerAccountError {
    /// The admin API's answer when the broker did not take an integration or observer account change; nothing
    /// was kept.
    var clientAccountError: APIError {
        switch self {
        case .unavailable:
            APIError(
                .serviceUnavailable, "broker_unavailable",
                "The MQTT broker did not confirm the account, so nothing was changed. Is the broker up, with "
                    + "Hookcast's broker plugin loaded?",
                headers: [.retryAfter: "5"])
        case .storeFailed:
            APIError(
                .serviceUnavailable, "store_unavailable", "The account could not be stored, so nothing was changed.",
                headers: [.retryAfter: "5"])
        case .refused(let reason):
            APIError(.badGateway, "broker_refused", "The MQTT broker refused the account: \(reason).")
        case .reserved(let name):
            APIError(
                .conflict, "reserved_name",
                "'\(name)' is the name of a broker account Hookcast does not manage (a gateway's, or one of the "
                    + "broker's other accounts); choose another name.")
        case .notManaged:
            APIError(
                .conflict, "accounts_not_managed",
                "This gateway does not manage broker accounts (it runs with --device-accounts none).")
        }
    }
}
