import Foundation
import HookcastCore
import HookcastProtocol
import Hummingbird

/// `/api/v1/keys`: webhook API keys — create, list (masked), reveal, rename, enable/disable, delete.
struct KeysController: Sendable {
    let keys: APIKeyService
    let audit: AuditTrail
    /// Called after a key was deleted: its integration accounts go with it.
    var keyDeleted: @Sendable (UUID) async -> Void = { _ in }

    struct CreateRequest: Decodable {
        let name: String
        let requireSignature: Bool?
        let rateLimit: RateLimit?
        let eventIDs: [String]?
        let expiresAt: String?
        let callbackURL: String?

        enum CodingKeys: String, CodingKey {
            case name
            case requireSignature = "require_signature"
            case rateLimit = "rate_limit"
            case eventIDs = "event_ids"
            case expiresAt = "expires_at"
            case callbackURL = "callback_url"
        }
    }

    struct UpdateRequest: Decodable {
        let name: String?
        let enabled: Bool?
        let requireSignature: Bool?
        /// Absent: unchanged; `null`: back to the server's default; an object: this key's own limit.
        let rateLimit: RateLimit??
        /// Absent: unchanged; `null`: every event; a list: only those.
        let eventIDs: [String]??
        /// Absent: unchanged; `null`: never expires.
        let expiresAt: String??
        /// Absent: unchanged; `null`: no reports for this key's calls.
        let callbackURL: String??
        let rotateCallbackSecret: Bool?

        enum CodingKeys: String, CodingKey {
            case name, enabled
            case requireSignature = "require_signature"
            case rateLimit = "rate_limit"
            case eventIDs = "event_ids"
            case expiresAt = "expires_at"
            case callbackURL = "callback_url"
            case rotateCallbackSecret = "rotate_callback_secret"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decodeIfPresent(String.self, forKey: .name)
            enabled = try container.decodeIfPresent(Bool.self, forKey: .enabled)
            requireSignature = try container.decodeIfPresent(Bool.self, forKey: .requireSignature)
            rateLimit = try container.decodeNullable(RateLimit.self, forKey: .rateLimit)
            eventIDs = try container.decodeNullable([String].self, forKey: .eventIDs)
            expiresAt = try container.decodeNullable(String.self, forKey: .expiresAt)
            callbackURL = try container.decodeNullable(String.self, forKey: .callbackURL)
            rotateCallbackSecret = try container.decodeIfPresent(Bool.self, forKey: .rotateCallbackSecret)
        }
    }

    /// The optional body of a signing-secret rotation.
    struct RotateRequest: Decodable {
        /// Seconds the replaced secret stays valid; absent: `APIKeyService.defaultSigningSecretGrace`, 0: none.
        let graceSeconds: Double?

        enum CodingKeys: String, CodingKey {
            case graceSeconds = "grace_seconds"
        }
    }

    /// A key with its secrets: only in the answers to create, reveal and signing-secret rotation.
    struct RevealedKey: ResponseEncodable, Sendable {
        let key: APIKey
        let secret: String?
        let signingSecret: SigningSecret?
        /// The callback's signing secret, when this request made it.
        var callbackSecret: SigningSecret? = nil

        func encode(to encoder: any Encoder) throws {
            try key.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(secret, forKey: .key)
            try container.encodeIfPresent(signingSecret?.value, forKey: .signingSecret)
            try container.encodeIfPresent(callbackSecret?.value, forKey: .callbackSecret)
        }

        enum CodingKeys: String, CodingKey {
            case key
            case signingSecret = "signing_secret"
            case callbackSecret = "callback_secret"
        }
    }

    func addRoutes(to group: RouterGroup<HookcastRequestContext>) {
        group.get("keys") { _, _ in
            ListResponse(items: try await StoreFailure.mapping { try await keys.list() })
        }
        group.post("keys") { request, context -> EditedResponse<RevealedKey> in
            let body = try await RequestBody.decode(CreateRequest.self, from: request, context: context)
            let (key, secret, signing, callbackSecret) = try await StoreFailure.mapping {
                let eventIDs = try APIKey.validatedScope(body.eventIDs)
                let expiresAt = try body.expiresAt.map(Self.expiry)
                // Checked before the key is made: a bad URL leaves no key behind.
                if let url = body.callbackURL { _ = try CallbackTarget.validatedURL(url) }
                var (key, secret, signing) = try await keys.create(
                    name: body.name, requireSignature: body.requireSignature ?? false, rateLimit: body.rateLimit,
                    eventIDs: eventIDs, expiresAt: expiresAt)
                var callbackSecret: SigningSecret?
                if let url = body.callbackURL {
                    (key, callbackSecret) = try await keys.setCallback(id: key.id, url: .some(url), rotate: false)
                }
                return (key, secret, signing, callbackSecret)
            }
            await audit.changed(.key, id: key.id.lowercasedString, "create", after: key)
            return EditedResponse(
                status: .created,
                response: RevealedKey(
                    key: key, secret: secret.value, signingSecret: signing, callbackSecret: callbackSecret))
        }
        group.get("keys/:id") { _, context in
            let id = try keyID(context)
            guard let key = try await StoreFailure.mapping({ try await keys.get(id: id) }) else { throw notFound(id) }
            return key
        }
        group.get("keys/:id/reveal") { _, context in
            let id = try keyID(context)
            guard let key = try await StoreFailure.mapping({ try await keys.get(id: id) }) else { throw notFound(id) }
            let secret = try await StoreFailure.mapping { try await keys.reveal(id: id) }
            let signing = try await StoreFailure.mapping { try await keys.revealSigningSecret(id: id) }
            // Not a change, but who saw a key's secret is what an audit is asked first after a leak.
            await audit.changed(.key, id: id.lowercasedString, "reveal")
            return RevealedKey(key: key, secret: secret.value, signingSecret: signing)
        }
        group.post("keys/:id/signing-secret") { request, context -> EditedResponse<RevealedKey> in
            let id = try keyID(context)
            let body = try await RequestBody.decodeIfPresent(RotateRequest.self, from: request, context: context)
            let (before, key, signing) = try await StoreFailure.mapping {
                guard let before = try await keys.get(id: id) else { throw notFound(id) }
                let (key, signing) = try await keys.rotateSigningSecret(
                    id: id, grace: body?.graceSeconds ?? APIKeyService.defaultSigningSecretGrace)
                return (before, key, signing)
            }
            await audit.changed(.key, id: id.lowercasedString, "rotate_signing_secret", before: before, after: key)
            return EditedResponse(
                status: .created, response: RevealedKey(key: key, secret: nil, signingSecret: signing))
        }
        group.patch("keys/:id") { request, context in
            let id = try keyID(context)
            let body = try await RequestBody.decode(UpdateRequest.self, from: request, context: context)
            return try await StoreFailure.mapping {
                // Everything is checked before anything is changed: a bad field leaves the key as it was.
                if let name = body.name { _ = try DisplayName.validate(name) }
                if case .some(.some(let limit)) = body.rateLimit { _ = try limit.validated() }
                let eventIDs = try body.eventIDs.map(APIKey.validatedScope)
                let expiresAt = try body.expiresAt.map { try $0.map(Self.expiry) }
                if case .some(.some(let url)) = body.callbackURL { _ = try CallbackTarget.validatedURL(url) }
                guard var key = try await keys.get(id: id) else { throw notFound(id) }
                if body.rotateCallbackSecret == true, body.callbackURL.map({ $0 == nil }) ?? (key.callbackURL == nil) {
                    throw ValidationError(field: "rotate_callback_secret", message: "needs a callback_url to sign for")
                }
                let before = key
                if eventIDs != nil || expiresAt != nil {
                    key = try await keys.setScope(
                        id: id, eventIDs: eventIDs ?? key.eventIDs, expiresAt: expiresAt ?? key.expiresAt)
                }
                if let limit = body.rateLimit { key = try await keys.setRateLimit(id: id, limit) }
                if let name = body.name { key = try await keys.rename(id: id, name: name) }
                if let enabled = body.enabled { key = try await keys.setEnabled(id: id, enabled) }
                var created: SigningSecret?
                if let required = body.requireSignature {
                    (key, created) = try await keys.setRequireSignature(id: id, required)
                }
                var callbackSecret: SigningSecret?
                if body.callbackURL != nil || body.rotateCallbackSecret == true {
                    (key, callbackSecret) = try await keys.setCallback(
                        id: id, url: body.callbackURL, rotate: body.rotateCallbackSecret ?? false)
                }
                await audit.changed(.key, id: id.lowercasedString, "update", before: before, after: key)
                // Shown once when requiring signatures made the key its first secret, or the callback its own.
                return RevealedKey(key: key, secret: nil, signingSecret: created, callbackSecret: callbackSecret)
            }
        }
        group.delete("keys/:id") { _, context -> Response in
            let id = try keyID(context)
            try await StoreFailure.mapping {
                guard let before = try await keys.get(id: id) else { throw notFound(id) }
                try await keys.delete(id: id)
                await audit.changed(.key, id: id.lowercasedString, "delete", before: before)
            }
            await keyDeleted(id)
            return Response(status: .noContent)
        }
    }

    private func keyID(_ context: HookcastRequestContext) throws -> UUID {
        try PathParameter.require(context, "id", what: "API key") { raw in
            guard let id = UUID(uuidString: raw) else { throw APIError.notFound("not_found", "") }
            return id
        }
    }

    /// `expires_at` as sent: any ISO-8601 timestamp; a time already past is allowed and refuses the key at once.
    private static func expiry(_ text: String) throws(ValidationError) -> Date {
        guard let date = JSONCoding.date(fromTimestamp: text) else {
            throw ValidationError(
                field: "expires_at", message: "must be an ISO-8601 timestamp such as 2027-01-01T00:00:00Z")
        }
        return date
    }

    private func notFound(_ id: UUID) -> APIError {
        .notFound("not_found", "There is no API key '\(id.lowercasedString)'.")
    }
}
