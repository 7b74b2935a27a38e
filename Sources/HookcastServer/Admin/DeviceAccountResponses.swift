import HookcastCore
import HookcastProtocol
import Hummingbird

/// A device as created. The broker password appears in this answer once and nowhere else: the broker keeps only
/// its hash.
struct CreatedDevice: ResponseEncodable, Sendable {
    let device: Device
    let mqttPassword: String?

    enum CodingKeys: String, CodingKey {
        case mqttPassword = "mqtt_password"
    }

    func encode(to encoder: any Encoder) throws {
        try device.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(mqttPassword, forKey: .mqttPassword)
    }
}

/// What an import changed, with the broker passwords of the devices it created (shown once).
struct ImportResult: ResponseEncodable, Sendable {
    let outcome: DeviceImport.Outcome
    let mqttPasswords: [String: String]?

    enum CodingKeys: String, CodingKey {
        case mqttPasswords = "mqtt_passwords"
    }

    func encode(to encoder: any Encoder) throws {
        try outcome.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(mqttPasswords, forKey: .mqttPasswords)
    }
}

/// A device's new broker password, shown once.
struct DevicePassword: ResponseEncodable, Sendable {
    let deviceID: DeviceID
    let mqttPassword: String

    enum CodingKeys: String, CodingKey {
        case deviceID = "device_id"
        case mqttPassword = "mqtt_password"
    }
}

extension BrokerAccountError {
    /// The API's answer when an account change fails.
    var apiError: APIError {
        switch self {
        case .unavailable:
            APIError(
                .serviceUnavailable, "broker_unavailable",
                "The MQTT broker did not confirm the device's account, so nothing was changed. Is the broker up, with "
                    + "Hookcast's broker plugin loaded and this gateway's account in its gateway accounts file? (A "
                    + "gateway whose broker accounts are managed elsewhere runs with --device-accounts none.)",
                headers: [.retryAfter: "5"])
        case .storeFailed:
            APIError(
                .serviceUnavailable, "store_unavailable",
                "The device's broker credential could not be stored, so nothing was changed; try again.",
                headers: [.retryAfter: "5"])
        case .refused(let reason):
            APIError(.badGateway, "broker_refused", "The MQTT broker refused the device's account: \(reason).")
        case .reserved(let name):
            APIError(
                .conflict, "reserved_id",
                "'\(name)' is the name of a broker account that is not a device's (the gateway's own, or one of the "
                    + "broker's other accounts); choose another id.")
        case .notManaged:
            APIError(
                .conflict, "accounts_not_managed",
                "This gateway does not manage broker accounts (it runs with --device-accounts none).")
        }
    }
}
