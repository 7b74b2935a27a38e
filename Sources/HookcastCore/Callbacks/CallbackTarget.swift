import Foundation
import HookcastProtocol

/// Where an action's or a key's delivery reports go: the URL and its own Standard Webhooks signing secret,
/// encrypted with the `KeyVault` like a key's signing secret (signing needs the secret itself, not a hash).
public struct CallbackTarget: Sendable, Equatable {
    public var url: String
    /// AES-GCM (combined) of the `whsec_…` secret under the master key.
    public var encryptedSecret: Data

    public init(url: String, encryptedSecret: Data) {
        self.url = url
        self.encryptedSecret = encryptedSecret
    }

    /// The longest URL accepted: longer ones are refused rather than cut.
    public static let maximumURLLength = 2048

    /// `text` when it is an absolute http or https URL with a host, no user name or password, and at most
    /// `maximumURLLength` characters; http is allowed for a receiver on the same host or network.
    public static func validatedURL(_ text: String) throws(ValidationError) -> String {
        guard text.utf8.count <= maximumURLLength else {
            throw ValidationError(field: "callback_url", message: "must be at most \(maximumURLLength) characters")
        }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            ["http", "https"].contains(scheme)
        else {
            throw ValidationError(field: "callback_url", message: "must be an http or https URL")
        }
        guard let host = components.host, !host.isEmpty else {
            throw ValidationError(field: "callback_url", message: "must name a host")
        }
        // A password in the URL would be shown by every GET of the action or key, and logged by receivers.
        guard components.user == nil, components.password == nil else {
            throw ValidationError(field: "callback_url", message: "must not carry a user name or password")
        }
        guard components.fragment == nil else {
            throw ValidationError(field: "callback_url", message: "must not have a fragment")
        }
        return text
    }
}
