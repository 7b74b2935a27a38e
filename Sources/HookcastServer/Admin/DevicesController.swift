import Foundation
import HookcastCore
import HookcastProtocol
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
        group.post("devices") { request, context -> EditedResponse<CreatedDevice> in
            let body = try await RequestBody.decode(CreateRequest.self, from: request, context: context)
            // The password is made first, so the device and its broker credential are stored in one transaction.
            let new = gateway.accounts.isManaged ? NewBrokerPasswords(for: [body.id]) : NewBrokerPasswords()
            let device = try await StoreFailure.mapping {
                let device = Device(
                    id: body.id, name: try DisplayName.validate(body.name ?? body.id.rawValue),
                    tags: try DeviceTags.validated(body.tags ?? []), createdAt: Date())
                try await store.devices.insert([device], brokerCredentials: new.credentials)
                return device
            }
            let password = try await registerAccount(for: device, new)
            await gateway.configs.publish(for: [device.id])
            await gateway.audit.changed(.device, id: device.id.rawValue, "create", after: device)
            return EditedResponse(status: .created, response: CreatedDevice(device: device, mqttPassword: password))
        }
        group.post("devices/import") { request, _ -> EditedResponse<ImportResult> in
            let plan = try await Self.importPlan(request)
            let managed = gateway.accounts.isManaged
            var new = NewBrokerPasswords()
            let (outcome, created, changed) = try await StoreFailure.mapping {
                try await plan.apply(to: store) { newDevices in
                    if managed { new = NewBrokerPasswords(for: newDevices) }
                    return new.credentials
                }
            }
            let passwords = try await registerAccounts(for: created, new)
            let createdIDs = created.map(\.device.id)
            await gateway.membershipChanged(changed.subtracting(createdIDs).sorted { $0.rawValue < $1.rawValue })
            await gateway.configs.publish(for: createdIDs)
            // The counts, not the ids: an import may hold 100,000 devices. Never the new broker passwords.
            await gateway.audit.changed(.device, id: nil, "import", after: outcome)
            return EditedResponse(status: .ok, response: ImportResult(outcome: outcome, mqttPasswords: passwords))
        }
        group.post("devices/:id/mqtt-password") { _, context -> DevicePassword in
            let id = try deviceID(context)
            guard gateway.accounts.isManaged else { throw BrokerAccountError.notManaged.apiError }
            guard try await StoreFailure.mapping({ try await store.devices.find(id: id) }) != nil else {
                throw notFound(id)
            }
            do throws(BrokerAccountError) {
                let password = try await gateway.accounts.resetPassword(id)
                await gateway.audit.changed(.device, id: id.rawValue, "reset_mqtt_password")
                return DevicePassword(deviceID: id, mqttPassword: password)
            } catch {
                throw error.apiError
            }
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
            let (device, tagsChanged) = try await StoreFailure.mapping {
                guard var device = try await store.devices.find(id: id) else { throw notFound(id) }
                let before = device
                if let name = body.name { device.name = try DisplayName.validate(name) }
                if let tags = body.tags { device.tags = try DeviceTags.validated(tags) }
                try await store.devices.update(device)
                await gateway.audit.changed(.device, id: id.rawValue, "update", before: before, after: device)
                return (device, device.tags != before.tags)
            }
            // Tags decide which tag topics the device may and does subscribe to, as groups do.
            if tagsChanged { await gateway.membershipChanged([id]) }
            return device
        }
        group.delete("devices/:id") { _, context -> Response in
            let id = try deviceID(context)
            let before = try await StoreFailure.mapping { try await store.devices.find(id: id) }
            let deleted = try await StoreFailure.mapping { try await store.devices.delete(id: id) }
            guard deleted else { throw notFound(id) }
            await gateway.audit.changed(.device, id: id.rawValue, "delete", before: before)
            await gateway.accounts.delete(id)
            await gateway.configs.clear(for: id)
            return Response(status: .noContent)
        }
    }

    /// The new device's broker account, when the gateway manages them; its credential was stored with it. If the
    /// broker does not confirm it, the device is removed again, so a device never exists without a way to connect.
    private func registerAccount(for device: Device, _ new: NewBrokerPasswords) async throws -> String? {
        guard gateway.accounts.isManaged, let password = new.passwords[device.id] else { return nil }
        do {
            let groups = try await gateway.store.groups.groups(containing: device.id)
            try await gateway.accounts.register(
                [NewDeviceAccount(id: device.id, groups: groups, tags: device.tags)], credentials: new.credentials)
            return password
        } catch {
            _ = try? await gateway.store.devices.delete(id: device.id)
            if let error = error as? BrokerAccountError { throw error.apiError }
            throw StoreFailure.map(error)
        }
    }

    /// Accounts for the devices an import created, stored with their credentials; if the broker does not confirm
    /// them, those devices are removed again (memberships the import added to existing devices stay: importing
    /// again is harmless).
    private func registerAccounts(
        for created: [DeviceImport.Created], _ new: NewBrokerPasswords
    ) async throws -> [String: String]? {
        guard gateway.accounts.isManaged else { return nil }
        guard !created.isEmpty else { return [:] }
        do {
            try await gateway.accounts.register(
                created.map { NewDeviceAccount(id: $0.device.id, groups: $0.groups, tags: $0.device.tags) },
                credentials: new.credentials)
            return Dictionary(uniqueKeysWithValues: new.passwords.map { ($0.key.rawValue, $0.value) })
        } catch {
            _ = try? await gateway.store.devices.delete(ids: created.map(\.device.id))
            throw error.apiError
        }
    }

    /// Large enough for 100,000 rows of CSV; the import route alone reads this much.
    static let maximumImportSize = 16 * 1024 * 1024

    /// Parses and checks the whole file; any problem refuses it all with 422, listing the first ones.
    static func importPlan(_ request: Request) async throws -> DeviceImport {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maximumImportSize)
        } catch {
            throw APIError(.contentTooLarge, "body_too_large", "The file is larger than 16 MiB; import it in parts.")
        }
        let data = Data(buffer: buffer)
        let isCSV = request.headers[.contentType]?.lowercased().hasPrefix("text/csv") == true
        var plan: DeviceImport
        do {
            if isCSV {
                guard let text = String(validating: data, as: UTF8.self) else {
                    throw APIError.badRequest("invalid_csv", "The file is not valid UTF-8.")
                }
                plan = try DeviceImport.parse(csv: text)
            } else {
                let json: JSONValue
                do {
                    json = try UntrustedJSON.decode(data)
                } catch {
                    throw APIError.badRequest("invalid_json", "The body is \(error).")
                }
                plan = try DeviceImport.parse(json: json)
            }
            var problems: [DeviceImport.Problem] = []
            for index in plan.rows.indices {
                guard let tags = plan.rows[index].tags else { continue }
                do {
                    plan.rows[index].tags = try DeviceTags.validated(tags)
                } catch {
                    problems.append(.init(row: plan.rows[index].number, error: error))
                }
            }
            if !problems.isEmpty { throw DeviceImport.Rejection(problems: problems) }
        } catch let rejection as DeviceImport.Rejection {
            let shown = rejection.problems.prefix(5).map(\.description).joined(separator: "; ")
            let more = rejection.problems.count > 5 ? " (and \(rejection.problems.count - 5) more)" : ""
            throw APIError(
                .unprocessableContent, "invalid_import",
                "Nothing was imported: \(rejection.problems.count) row(s) are invalid: \(shown)\(more).")
        }
        return plan
    }

    private func deviceID(_ context: HookcastRequestContext) throws -> DeviceID {
        try PathParameter.require(context, "id", what: "device") { try DeviceID($0) }
    }

    private func notFound(_ id: DeviceID) -> APIError {
        .notFound("not_found", "There is no device '\(id)'.")
    }
}
