import Foundation
import HookcastCore
import Hummingbird

/// `/api/v1/devices`: the registered devices, with presence and last acknowledgement.
struct DevicesController: Sendable {
    let gateway: Gateway

    struct CreateRequest: Decodable {
        let id: DeviceID
        let name: String?
        let tags: [String]?
    }

    struct UpdateRequest: Decodable {
        let name: String?
        let tags: [String]?
    }

    func addRoutes(to group: RouterGroup<HookcastRequestContext>) {
        let store = gateway.store
        group.get("devices") { _, _ in
            ListResponse(items: try await StoreFailure.mapping { try await DeviceView.all(store: store) })
        }
        group.post("devices") { request, context -> EditedResponse<Device> in
            let body = try await RequestBody.decode(CreateRequest.self, from: request, context: context)
            let device = try await StoreFailure.mapping {
                let device = Device(
                    id: body.id, name: try DisplayName.validate(body.name ?? body.id.rawValue),
                    tags: try Self.validTags(body.tags ?? []), createdAt: Date())
                try await store.devices.insert(device)
                return device
            }
            await gateway.configs.publish(for: [device.id])
            return EditedResponse(status: .created, response: device)
        }
        group.get("devices/:id") { _, context in
            let id = try deviceID(context)
            return try await StoreFailure.mapping {
                guard let device = try await store.devices.find(id: id) else { throw notFound(id) }
                return DeviceView(
                    device: device, presence: try await store.deliveries.presence()[id],
                    lastAcknowledgement: try await store.deliveries.lastAcknowledgements()[id])
            }
        }
        group.patch("devices/:id") { request, context in
            let id = try deviceID(context)
            let body = try await RequestBody.decode(UpdateRequest.self, from: request, context: context)
            return try await StoreFailure.mapping {
                guard var device = try await store.devices.find(id: id) else { throw notFound(id) }
                if let name = body.name { device.name = try DisplayName.validate(name) }
                if let tags = body.tags { device.tags = try Self.validTags(tags) }
                try await store.devices.update(device)
                return device
            }
        }
        group.delete("devices/:id") { _, context -> Response in
            let id = try deviceID(context)
            let deleted = try await StoreFailure.mapping { try await store.devices.delete(id: id) }
            guard deleted else { throw notFound(id) }
            await gateway.configs.clear(for: id)
            return Response(status: .noContent)
        }
    }

    static func validTags(_ tags: [String]) throws(ValidationError) -> [String] {
        guard tags.count <= 50 else { throw ValidationError(field: "tags", message: "must have at most 50 entries") }
        var valid: [String] = []
        for tag in tags {
            let trimmed = tag.trimmingCharacters(in: .whitespacesAndNewlines)
            guard (1...64).contains(trimmed.count),
                !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
            else {
                throw ValidationError(field: "tags", message: "entries must be 1 to 64 printable characters")
            }
            if !valid.contains(trimmed) { valid.append(trimmed) }
        }
        return valid
    }

    private func deviceID(_ context: HookcastRequestContext) throws -> DeviceID {
        try PathParameter.require(context, "id", what: "device") { try DeviceID($0) }
    }

    private func notFound(_ id: DeviceID) -> APIError {
        .notFound("not_found", "There is no device '\(id)'.")
    }
}
