import Foundation

/// A CAP rule as the stores keep it: the rule's JSON, and its callback with the sealed secret beside it, so the
/// rule's own JSON (which the admin API shows) never carries the secret, sealed or not.
public struct StoredCAPRule: Codable {
    public var rule: CAPRule
    var callbackURL: String?
    /// AES-GCM of the callback's `whsec_…` secret under the master key (`CallbackTarget.encryptedSecret`).
    var callbackSecret: Data?

    public init(_ rule: CAPRule) {
        self.rule = rule
        self.callbackURL = rule.callback?.url
        self.callbackSecret = rule.callback?.encryptedSecret
    }

    /// The rule with its callback.
    public var restored: CAPRule {
        var restored = rule
        if let callbackURL, let callbackSecret {
            restored.callback = CallbackTarget(url: callbackURL, encryptedSecret: callbackSecret)
        }
        return restored
    }

    enum CodingKeys: String, CodingKey {
        case rule
        case callbackURL = "callback_url"
        case callbackSecret = "callback_secret"
    }
}
