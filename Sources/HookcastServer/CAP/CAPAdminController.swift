import Foundation
import HookcastCAP
import HookcastCore
import HookcastProtocol
import Hummingbird
import HummingbirdCore

/// `/api/v1/cap/rules` (the rules that map alerts to what screens do) and `/api/v1/cap/alerts` (every CAP message
/// received, with its state and what it caused). docs/cap.md.
struct CAPAdminController: Sendable {
    let gateway: Gateway

    struct RuleRequest: Decodable {
        let id: CAPRuleID?
        let name: String?
        let enabled: Bool?
        let match: CAPMatch?
        let target: ActionTarget?
        let response: CAPResponse?
        let toastSeconds: Int?
        let testTarget: ActionTarget?
        /// Absent: unchanged (on PUT too); `null`: removed. As an action's (docs/callbacks.md).
        let callbackURL: String??
        let rotateCallbackSecret: Bool?

        enum CodingKeys: String, CodingKey {
            case id, name, enabled, match, target, response
            case toastSeconds = "toast_seconds"
            case testTarget = "test_target"
            case callbackURL = "callback_url"
            case rotateCallbackSecret = "rotate_callback_secret"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            id = try container.decodeIfPresent(CAPRuleID.self, forKey: .id)
            name = try container.decodeIfPresent(String.self, forKey: .name)
            enabled = try container.decodeIfPresent(Bool.self, forKey: .enabled)
            match = try container.decodeIfPresent(CAPMatch.self, forKey: .match)
            target = try container.decodeIfPresent(ActionTarget.self, forKey: .target)
            response = try container.decodeIfPresent(CAPResponse.self, forKey: .response)
            toastSeconds = try container.decodeIfPresent(Int.self, forKey: .toastSeconds)
            testTarget = try container.decodeIfPresent(ActionTarget.self, forKey: .testTarget)
            callbackURL = try container.decodeNullable(String.self, forKey: .callbackURL)
            rotateCallbackSecret = try container.decodeIfPresent(Bool.self, forKey: .rotateCallbackSecret)
        }

        /// The rule as asked, with its callback (kept, changed or removed) and the new signing secret when one was
        /// made.
        func rule(id: CAPRuleID, current: CAPRule?, vault: KeyVault) throws -> (CAPRule, SigningSecret?) {
            guard let target else { throw ValidationError(field: "target", message: "is required") }
            var rule = try CAPRule(
                id: id, name: name ?? id.rawValue, enabled: enabled ?? true, match: match ?? CAPMatch(),
                target: target, response: response ?? .automatic,
                toastSeconds: toastSeconds ?? CAPRule.defaultToastSeconds, testTarget: testTarget,
                createdAt: current?.createdAt ?? Date(), updatedAt: Date()
            ).validated()
            let (callback, secret) = try vault.callback(
                current: current?.callback, url: callbackURL, rotate: rotateCallbackSecret ?? false)
            rule.callback = callback
            return (rule, secret)
        }
    }

    func addRoutes(to group: RouterGroup<HookcastRequestContext>) {
        let store = gateway.store
        let vault = gateway.reports.vault
        group.get("cap/rules") { _, _ in
            ListResponse(
                items: try await StoreFailure.mapping { try await store.capRules.all() }.map { CAPRuleView(rule: $0) })
        }
        group.post("cap/rules") { request, context -> EditedResponse<CAPRuleView> in
            let body = try await RequestBody.decode(RuleRequest.self, from: request, context: context)
            guard let id = body.id else { throw APIError.unprocessable(field: "id", "id is required.") }
            let (rule, secret) = try await StoreFailure.mapping {
                let made = try body.rule(id: id, current: nil, vault: vault)
                try await store.capRules.insert(made.0)
                return made
            }
            await gateway.audit.changed(.capRule, id: rule.id.rawValue, "create", after: CAPRuleView(rule: rule))
            return EditedResponse(status: .created, response: CAPRuleView(rule: rule, callbackSecret: secret))
        }
        group.get("cap/rules/:id") { _, context in CAPRuleView(rule: try await existingRule(context)) }
        group.put("cap/rules/:id") { request, context -> CAPRuleView in
            let current = try await existingRule(context)
            let body = try await RequestBody.decode(RuleRequest.self, from: request, context: context)
            if let renamed = body.id, renamed != current.id {
                throw APIError.unprocessable(field: "id", "id cannot change; create a new rule instead.")
            }
            return try await StoreFailure.mapping {
                let (rule, secret) = try body.rule(id: current.id, current: current, vault: vault)
                try await store.capRules.update(rule)
                await gateway.audit.changed(
                    .capRule, id: rule.id.rawValue, "update", before: CAPRuleView(rule: current),
                    after: CAPRuleView(rule: rule))
                return CAPRuleView(rule: rule, callbackSecret: secret)
            }
        }
        group.delete("cap/rules/:id") { _, context -> Response in
            let rule = try await existingRule(context)
            _ = try await StoreFailure.mapping { try await store.capRules.delete(id: rule.id) }
            await gateway.audit.changed(.capRule, id: rule.id.rawValue, "delete", before: CAPRuleView(rule: rule))
            return Response(status: .noContent)
        }
        group.get("cap/alerts") { request, _ -> NewestFirstPage<CAPAlertView> in
            let page = try PageQuery(request.uri.queryParameters, ids: "a CAP alert's id")
            let records = try await StoreFailure.mapping {
                try await store.capAlerts.page(before: page.before, limit: page.limit + 1)
            }
            let now = Date()
            return NewestFirstPage(rows: records, limit: page.limit, id: \.id) { CAPAlertView(record: $0, now: now) }
        }
        group.get("cap/alerts/:id") { _, context -> CAPAlertDetail in
            guard let raw = context.parameters.get("id"), let id = UUID(uuidString: raw),
                let record = try await StoreFailure.mapping({ try await store.capAlerts.find(id: id) })
            else { throw APIError.notFound("not_found", "No CAP alert has this id.") }
            let commands = try await StoreFailure.mapping {
                try await CommandSummary.load(
                    ids: record.commandIDs, store: store, deadline: gateway.acknowledgementDeadline)
            }
            return CAPAlertDetail(
                view: CAPAlertView(record: record, now: Date(), includesAlert: true, commands: commands))
        }
    }

    private func existingRule(_ context: HookcastRequestContext) async throws -> CAPRule {
        let raw = context.parameters.get("id") ?? ""
        guard let id = try? CAPRuleID(raw),
            let rule = try await StoreFailure.mapping({ try await gateway.store.capRules.find(id: id) })
        else { throw APIError.notFound("not_found", "No CAP rule has the id '\(raw.prefix(128))'.") }
        return rule
    }
}

/// A rule as the admin API shows it: its JSON with `callback_url`, and the callback's signing secret only in the
/// answer that made it (shown once).
struct CAPRuleView: ResponseEncodable, Sendable {
    let rule: CAPRule
    var callbackSecret: SigningSecret? = nil

    func encode(to encoder: any Encoder) throws {
        try rule.encode(to: encoder)
        var container = encoder.container(keyedBy: DynamicKey.self)
        try container.encode(rule.callback?.url, forKey: DynamicKey("callback_url"))
        try container.encodeIfPresent(callbackSecret?.value, forKey: DynamicKey("callback_secret"))
    }
}

/// One alert in full: the parsed message and the commands it made, with their delivery totals.
struct CAPAlertDetail: ResponseEncodable, Sendable {
    let view: CAPAlertView

    func encode(to encoder: any Encoder) throws { try view.encode(to: encoder) }
}
