import Foundation
import HookcastCore
import Hummingbird

/// `/api/v1/keys`: webhook API keys — create, list (masked), reveal, rename, enable/disable, delete.
struct KeysController: Sendable {
    let keys: APIKeyService

    struct CreateRequest: Decodable { let name: String }

    struct UpdateRequest: Decodable {
        let name: String?
        let enabled: Bool?
    }

    /// A key with its secret: only in the answer to create and reveal.
    struct RevealedKey: ResponseEncodable, Sendable {
        let key: APIKey
        let secret: String

        func encode(to encoder: any Encoder) throws {
            try key.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(secret, forKey: .key)
        }

        enum CodingKeys: String, CodingKey { case key }
    }

    func addRoutes(to group: RouterGroup<HookcastRequestContext>) {
        group.get("keys") { _, _ in
            ListResponse(items: try await StoreFailure.mapping { try await keys.list() })
        }
        group.post("keys") { request, context -> EditedResponse<RevealedKey> in
            let body = try await RequestBody.decode(CreateRequest.self, from: request, context: context)
            let (key, secret) = try await StoreFailure.mapping { try await keys.create(name: body.name) }
            return EditedResponse(status: .created, response: RevealedKey(key: key, secret: secret.value))
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
            return RevealedKey(key: key, secret: secret.value)
        }
        group.patch("keys/:id") { request, context in
            let id = try keyID(context)
            let body = try await RequestBody.decode(UpdateRequest.self, from: request, context: context)
            return try await StoreFailure.mapping {
                guard var key = try await keys.get(id: id) else { throw notFound(id) }
                if let name = body.name { key = try await keys.rename(id: id, name: name) }
                if let enabled = body.enabled { key = try await keys.setEnabled(id: id, enabled) }
                return key
            }
        }
        group.delete("keys/:id") { _, context -> Response in
            let id = try keyID(context)
            try await StoreFailure.mapping {
                guard try await keys.get(id: id) != nil else { throw notFound(id) }
                try await keys.delete(id: id)
            }
            return Response(status: .noContent)
        }
    }

    private func keyID(_ context: HookcastRequestContext) throws -> UUID {
        try PathParameter.require(context, "id", what: "API key") { raw in
            guard let id = UUID(uuidString: raw) else { throw APIError.notFound("not_found", "") }
            return id
        }
    }

    private func notFound(_ id: UUID) -> APIError {
        .notFound("not_found", "There is no API key '\(id.uuidString.lowercased())'.")
    }
}
