import Foundation
import HookcastProtocol

/// An API key as the admin sees it: metadata and a masked form, never the secret itself.
public struct APIKey: Sendable, Encodable, Equatable {
    /// The only scope there is for now: triggering webhooks.
    public static let webhookScope = "webhook"

    public var id: UUID
    public var name: String
    public var enabled: Bool
    public var scope: String
    public var createdAt: Date
    public var lastUsedAt: Date?
    /// `hk_` + the first and last four characters of the random part, e.g. `hk_AbCd…wxyz`.
    public var maskedKey: String
    /// Requests with this key must carry a valid Standard Webhooks signature.
    public var requireSignature: Bool
    /// This key's own limit; nil uses the server's default.
    public var rateLimit: RateLimit?
    /// Whether a signing secret exists (the secret itself is only shown by reveal).
    public var hasSigningSecret: Bool
    /// Until when the signing secret replaced by the last rotation is still accepted; nil when none is.
    public var previousSigningSecretExpiresAt: Date?
    /// The only events this key may trigger, in the order given; nil: every event (`APIKey+Scope`).
    public var eventIDs: [EventID]?
    /// From when the key is refused; nil: never.
    public var expiresAt: Date?
    /// Where delivery reports of this key's calls go, unless the action names its own (docs/callbacks.md).
    public var callbackURL: String?

    public init(
        id: UUID,
        name: String,
        enabled: Bool,
        scope: String = APIKey.webhookScope,
        createdAt: Date,
        lastUsedAt: Date?,
        maskedKey: String,
        requireSignature: Bool = false,
        rateLimit: RateLimit? = nil,
        hasSigningSecret: Bool = false,
        previousSigningSecretExpiresAt: Date? = nil,
        eventIDs: [EventID]? = nil,
        expiresAt: Date? = nil,
        callbackURL: String? = nil
    ) {
        self.id = id
        self.name = name
        self.enabled = enabled
        self.scope = scope
        self.createdAt = createdAt.roundedToMilliseconds
        self.lastUsedAt = lastUsedAt?.roundedToMilliseconds
        self.maskedKey = maskedKey
        self.requireSignature = requireSignature
        self.rateLimit = rateLimit
        self.hasSigningSecret = hasSigningSecret
        self.previousSigningSecretExpiresAt = previousSigningSecretExpiresAt?.roundedToMilliseconds
        self.eventIDs = eventIDs
        self.expiresAt = expiresAt?.roundedToMilliseconds
        self.callbackURL = callbackURL
    }

    enum CodingKeys: String, CodingKey {
        case id, name, enabled, scope
        case createdAt = "created_at"
        case lastUsedAt = "last_used_at"
        case maskedKey = "masked_key"
        case requireSignature = "require_signature"
        case rateLimit = "rate_limit"
        case hasSigningSecret = "signing"
        case previousSigningSecretExpiresAt = "previous_signing_secret_expires_at"
        case eventIDs = "event_ids"
        case expiresAt = "expires_at"
        case callbackURL = "callback_url"
    }
}

extension APIKey {
    /// The id in lower case, like every id the API shows.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id.lowercasedString, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(enabled, forKey: .enabled)
        try container.encode(scope, forKey: .scope)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encodeIfPresent(lastUsedAt, forKey: .lastUsedAt)
        try container.encode(maskedKey, forKey: .maskedKey)
        try container.encode(requireSignature, forKey: .requireSignature)
        try container.encode(rateLimit, forKey: .rateLimit)
        try container.encode(hasSigningSecret, forKey: .hasSigningSecret)
        // Only while a rotation's grace period runs: the field's presence is the news.
        try container.encodeIfPresent(previousSigningSecretExpiresAt, forKey: .previousSigningSecretExpiresAt)
        try container.encode(eventIDs, forKey: .eventIDs)
        try container.encode(expiresAt, forKey: .expiresAt)
        try container.encode(callbackURL, forKey: .callbackURL)
    }
}
