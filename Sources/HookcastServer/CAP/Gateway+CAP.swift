import Foundation
import HookcastCAP
import HookcastCore
import HookcastProtocol

/// Where a CAP message came from.
struct CAPOrigin: Sendable {
    /// The key it was posted with (nil for a feed); its event scope limits the rules that act.
    var key: APIKey? = nil
    /// The feed it was read from.
    var feedURL: String? = nil
}

/// What receiving one CAP message did.
struct CAPReception: Sendable {
    var record: CAPAlertRecord
    /// True when the message was received before: `record` is that first one, and nothing was done now.
    var duplicate: Bool
    /// The commands made now, for the answer (empty for a duplicate).
    var commands: [Command]
    var published: [Bool]
    /// The earlier alerts this Update or Cancel ended.
    var ended: [CAPAlertRecord]
    /// The commands each rule made (the rules' callbacks report these).
    var byRule: [CAPRuleID: [UUID]] = [:]
}

extension Gateway {
    /// Acts on a CAP message once per sender, identifier and sent (docs/cap.md, "Lifecycle"). An Alert or Update
    /// makes a command per rule that takes it; an Update or Cancel (or an AllClear) ends the earlier alerts of the
    /// same sender that it references; Ack and Error are recorded. The record is claimed first, so a second copy,
    /// also at another gateway, is answered as a duplicate.
    func receiveCAP(_ alert: CAPAlert, from origin: CAPOrigin) async throws(APIError) -> CAPReception {
        let now = Date()
        var record = CAPAlertRecord(alert: alert, receivedAt: now, apiKeyID: origin.key?.id, feedURL: origin.feedURL)
        let earlier: CAPAlertRecord?
        do {
            earlier = try await store.capAlerts.claim(record)
        } catch {
            throw .storeUnavailable("The alert could not be recorded: the store is unavailable. Send it again.")
        }
        if let earlier {
            metrics.capAlertReceived(outcome: "duplicate")
            return CAPReception(record: earlier, duplicate: true, commands: [], published: [], ended: [])
        }
        var reception = CAPReception(record: record, duplicate: false, commands: [], published: [], ended: [])
        do {
            try await act(on: alert, origin: origin, now: now, into: &reception)
        } catch {
            if reception.commands.isEmpty, reception.ended.isEmpty {
                // Nothing was made: the claim goes, so the sender's retry is acted on instead of taken for a copy.
                try? await store.capAlerts.remove(id: record.id)
            } else {
                // Something was: a retry must not make it again, so the record keeps what was done and says where
                // it stopped (if the store takes even that).
                reception.record.state = reception.commands.isEmpty ? .applied : .active
                reception.record.notes.append("Stopped midway: \(error.detail)")
                try? await store.capAlerts.update(reception.record)
            }
            throw error
        }
        record = reception.record
        do {
            try await store.capAlerts.update(record)
        } catch {
            logger.error("CAP alert outcome not stored", metadata: ["alert_id": "\(record.id)", "error": "\(error)"])
        }
        live.commandsChanged(reception.commands.map(\.id))
        metrics.capAlertReceived(outcome: record.state.rawValue)
        await scheduleReports(of: reception, origin: origin)
        return reception
    }

    private func act(
        on alert: CAPAlert, origin: CAPOrigin, now: Date, into reception: inout CAPReception
    ) async throws(APIError) {
        let allClear = alert.infos.contains { $0.responseTypes.contains(.allClear) }
        switch alert.msgType {
        case .ack, .error:
            reception.record.state = .recorded
            reception.record.notes = ["\(alert.msgType.rawValue) messages are recorded; they change nothing."]
        case .cancel:
            try await endReferenced(by: alert, as: .cancelled, now: now, into: &reception)
            reception.record.state = .applied
        case .update where allClear:
            try await endReferenced(by: alert, as: .cancelled, now: now, into: &reception)
            reception.record.state = .applied
        case .alert, .update:
            try await execute(alert, origin: origin, now: now, into: &reception)
            let made = !reception.commands.isEmpty
            // After the new commands: a scope the update keeps in emergency never goes off in between.
            if alert.msgType == .update {
                try await endReferenced(by: alert, as: .updated, now: now, into: &reception)
            }
            // An Update that made nothing of its own but ended what it replaced did what it came for.
            reception.record.state = made ? .active : reception.ended.isEmpty ? .recorded : .applied
        }
    }

    /// A command per rule that takes the alert (CAPRulePlanner), each stored and sent like a webhook's.
    private func execute(
        _ alert: CAPAlert, origin: CAPOrigin, now: Date, into reception: inout CAPReception
    ) async throws(APIError) {
        let rules: [CAPRule]
        do {
            rules = try await store.capRules.all()
        } catch {
            throw .storeUnavailable("The CAP rules could not be read: the store is unavailable. Send the alert again.")
        }
        // A key limited to some events acts only through the rules whose event ids (cap:<rule id>) it names.
        let allowed = rules.filter { rule in
            origin.key.map { keys.refusal(of: $0, for: rule.id.eventID) == nil } ?? true
        }
        let plan = CAPRulePlanner.plan(alert, rules: allowed, now: now)
        reception.record.ruleIDs = plan.matchedRules
        reception.record.notes += plan.notes
        // What it turns on does not end at `expires`: the record must not say it did.
        if plan.holdsPastExpiry { reception.record.expiresAt = nil }
        for planned in plan.commands {
            let action = Action(
                eventID: planned.ruleID.eventID, name: Self.actionName(alert, planned), function: planned.function,
                params: planned.params, target: planned.target, createdAt: now, updatedAt: now)
            do {
                let outcome = try await trigger(
                    action: action, sensorData: nil, apiKeyID: origin.key?.id, source: .cap)
                reception.commands += outcome.commands
                reception.published += outcome.published
                reception.byRule[planned.ruleID, default: []] += outcome.commands.map(\.id)
            } catch  where error.status == .conflict {
                // The rule's group or device is gone: the other rules still act.
                reception.record.notes.append("Rule \(planned.ruleID): \(error.detail)")
            }
        }
        reception.record.commandIDs = reception.commands.map(\.id)
    }

    /// Ends the referenced alerts of the same sender that are still in force: their emergency holds end (a scope
    /// left with none gets an `off`), and each is marked `state`, ended by this message.
    private func endReferenced(
        by alert: CAPAlert, as state: CAPAlertState, now: Date, into reception: inout CAPReception
    ) async throws(APIError) {
        guard !alert.references.isEmpty else {
            reception.record.notes.append("It references no earlier alert, so it ended nothing.")
            return
        }
        let found: [CAPAlertRecord]
        do {
            found = try await store.capAlerts.find(keys: alert.references)
        } catch {
            throw .storeUnavailable("The referenced alerts could not be read: the store is unavailable.")
        }
        for reference in alert.references {
            guard var earlier = found.first(where: { $0.key == reference }) else {
                reception.record.notes.append("\(Self.describe(reference)) was never received here.")
                continue
            }
            guard reference.sender == alert.sender else {
                reception.record.notes.append(
                    "\(Self.describe(reference)) is another sender's; a sender ends only its own alerts.")
                continue
            }
            guard earlier.state == .active else {
                reception.record.notes.append(
                    "\(Self.describe(reference)) was \(earlier.state(at: now).rawValue) already.")
                continue
            }
            let offs = await endEmergencies(Set(earlier.commandIDs), source: .cap)
            reception.commands += offs
            reception.published += offs.map { $0.publishedAt != nil }
            earlier.state = state
            earlier.endedBy = alert.key
            earlier.endedAt = now
            do {
                try await store.capAlerts.update(earlier)
            } catch {
                logger.error("CAP alert end not stored", metadata: ["alert_id": "\(earlier.id)", "error": "\(error)"])
            }
            reception.ended.append(earlier)
            reception.record.ended.append(reference)
        }
        reception.record.commandIDs = reception.commands.map(\.id)
    }

    private static func actionName(_ alert: CAPAlert, _ planned: CAPPlannedCommand) -> String {
        let info = alert.infos[planned.infoIndex]
        return String("CAP \(alert.msgType.rawValue): \(info.event)".prefix(DisplayName.maxLength))
    }

    private static func describe(_ reference: CAPReference) -> String {
        "Alert '\(reference.identifier)' of \(reference.sender) sent \(reference.sent)"
    }
}
