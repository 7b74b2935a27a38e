import Foundation

/// An API key as the admin sees it: metadata and a masked form, never the secret itself.
public struct APIKey: Sendable, Codable, Equatable {
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

    public init(
        id: UUID,
        name: String,
        enabled: Bool,
        scope: String = APIKey.webhookScope,
        createdAt: Date,
        lastUsedAt: Date?,
        maskedKey: String
    ) {
        self.id = id
        self.name = name
        self.enabled = enabled
        self.scope = scope
        self.createdAt = createdAt.roundedToMilliseconds
        self.lastUsedAt = lastUsedAt?.roundedToMilliseconds
        self.maskedKey = maskedKey
    }

    enum CodingKeys: String, CodingKey {
        case id, name, enabled, scope
        case createdAt = "created_at"
        case lastUsedAt = "last_used_at"
        case maskedKey = "masked_key"
    }
}
