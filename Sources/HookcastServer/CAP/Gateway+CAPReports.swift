import Foundation
import HookcastCAP
import HookcastCore
import HookcastProtocol

extension Gateway {
    /// Delivery reports of an alert's commands (docs/callbacks.md): one per rule with a callback URL, of the
    /// commands that rule made, and one to the posting key's callback URL, of every command the message made (for
    /// a Cancel, the `off`s that ended what it cancelled). Sent once the commands are complete, like a webhook's.
    /// Queued after the commands are stored: a gateway that stops between the two loses the report, not a command.
    func scheduleReports(of reception: CAPReception, origin: CAPOrigin) async {
        guard !reception.duplicate, !reception.commands.isEmpty else { return }
        var owed: [(target: CallbackTarget, commands: [UUID], rule: CAPRuleID?)] = []
        do {
            let rules = try await store.capRules.all()
            for rule in rules {
                guard let callback = rule.callback, let made = reception.byRule[rule.id], !made.isEmpty else {
                    continue
                }
                owed.append((callback, made, rule.id))
            }
            if let key = origin.key, let callback = try await keys.callbackTarget(id: key.id) {
                owed.append((callback, reception.commands.map(\.id), nil))
            }
        } catch {
            logger.error("CAP reports not scheduled", metadata: ["error": "\(error)"])
            return
        }
        for (target, commands, rule) in owed {
            do {
                try await reports.schedule(
                    url: target.url, encryptedSecret: target.encryptedSecret, commandIDs: commands,
                    subject: Self.subject(of: reception.record, rule: rule))
            } catch {
                logger.error(
                    "CAP report not scheduled", metadata: ["alert_id": "\(reception.record.id)", "error": "\(error)"])
            }
        }
    }

    /// What the report is about: the message by its CAP key and gist, and the rule when it is a rule's.
    static func subject(of record: CAPAlertRecord, rule: CAPRuleID?) -> JSONValue {
        let alert = record.alert
        var fields: [String: JSONValue] = [
            "kind": .string("cap"), "alert_id": .string(record.id.lowercasedString),
            "sender": .string(alert.sender), "identifier": .string(alert.identifier), "sent": .string(alert.sent.text),
            "msg_type": .string(alert.msgType.rawValue), "status": .string(alert.status.rawValue),
            "event": alert.infos.first.map { .string($0.event) } ?? .null,
            "api_key_id": record.apiKeyID.map { .string($0.lowercasedString) } ?? .null,
            "feed_url": record.feedURL.map { .string($0) } ?? .null,
        ]
        if let rule { fields["rule_id"] = .string(rule.rawValue) }
        return .object(fields)
    }
}
