import Foundation
import HookcastCore
import HookcastProtocol
import Hummingbird

/// `/api/v1/groups`: device groups and their members. Every membership change re-publishes the retained config
/// of the devices it touches, so they follow at once.
struct GroupsController: Sendable {
    let gateway: Gateway

    struct CreateRequest: Decodable {
        let id: GroupID
        let name: String?
        let members: [DeviceID]?
    }

    struct UpdateRequest: Decodable {
        let name: String?
        let members: [DeviceID]?
    }

    func addRoutes(to group: RouterGroup<HookcastRequestContext>) {
        let store = gateway.store
        group.get("groups") { _, _ in
            ListResponse(items: try await StoreFailure.mapping { try await store.groups.all() })
        }
        group.post("groups") { request, context -> EditedResponse<DeviceGroup> in
            let body = try await RequestBody.decode(CreateRequest.self, from: request, context: context)
            let created = try await StoreFailure.mapping {
                let created = DeviceGroup(
                    id: body.id, name: try DisplayName.validate(body.name ?? body.id.rawValue),
                    members: body.members ?? [], createdAt: Date())
                try await store.groups.insert(created)
                return created
            }
            await gateway.membershipChanged(created.members)
            await gateway.audit.changed(.group, id: created.id.rawValue, "create", after: created)
            return EditedResponse(status: .created, response: created)
        }
        group.get("groups/:id") { _, context in
            let id = try groupID(context)
            guard let found = try await StoreFailure.mapping({ try await store.groups.find(id: id) }) else {
                throw notFound(id)
            }
            return found
        }
        group.patch("groups/:id") { request, context in
            let id = try groupID(context)
            let body = try await RequestBody.decode(UpdateRequest.self, from: request, context: context)
            return try await update(id, "update") { group in
                if let name = body.name { group.name = try DisplayName.validate(name) }
                if let members = body.members { group.members = members }
            }
        }
        group.put("groups/:id/members/:device") { _, context in
            let id = try groupID(context)
            let device = try PathParameter.require(context, "device", what: "device") { try DeviceID($0) }
            return try await update(id, "add_member") { group in group.members.append(device) }
        }
        group.delete("groups/:id/members/:device") { _, context in
            let id = try groupID(context)
            let device = try PathParameter.require(context, "device", what: "device") { try DeviceID($0) }
            return try await update(id, "remove_member") { group in group.members.removeAll { $0 == device } }
        }
        group.delete("groups/:id") { _, context -> Response in
            let id = try groupID(context)
            let former = try await StoreFailure.mapping { () -> [DeviceID] in
                guard let existing = try await store.groups.find(id: id) else { throw notFound(id) }
                _ = try await store.groups.delete(id: id)
                await gateway.audit.changed(.group, id: id.rawValue, "delete", before: existing)
                return existing.members
            }
            await gateway.observersLost(group: id)
            await gateway.accounts.groupDeleted(id)
            await gateway.membershipChanged(former)
            return Response(status: .noContent)
        }
    }

    private func update(
        _ id: GroupID, _ operation: String, _ change: (inout DeviceGroup) throws -> Void
    ) async throws -> DeviceGroup {
        let (before, after) = try await StoreFailure.mapping { () -> (DeviceGroup, DeviceGroup) in
            guard let before = try await gateway.store.groups.find(id: id) else { throw notFound(id) }
            var after = before
            try change(&after)
            try await gateway.store.groups.update(after)
            return (before, try await gateway.store.groups.find(id: id) ?? after)
        }
        await gateway.membershipChanged(Set(before.members).symmetricDifference(after.members))
        await gateway.audit.changed(.group, id: id.rawValue, operation, before: before, after: after)
        return after
    }

    private func groupID(_ context: HookcastRequestContext) throws -> GroupID {
        try PathParameter.require(context, "id", what: "group") { try GroupID($0) }
    }

    private func notFound(_ id: GroupID) -> APIError {
        .notFound("not_found", "There is no group '\(id)'.")
    }
}
