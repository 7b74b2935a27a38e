import Foundation
import HookcastCAP
import HookcastProtocol

/// One command a CAP alert makes through one rule.
public struct CAPPlannedCommand: Sendable, Equatable {
    public var ruleID: CAPRuleID
    /// The `info` block the rule took (the first that matched, in the alert's order).
    public var infoIndex: Int
    public var function: ActionFunction
    public var params: ActionParameters
    public var target: ActionTarget
}

/// What an Alert or Update does: the commands to make, the rules that took it, and why nothing runs when nothing
/// does.
public struct CAPPlan: Sendable, Equatable {
    public var commands: [CAPPlannedCommand] = []
    public var matchedRules: [CAPRuleID] = []
    /// Why the alert executes nothing (or less than its rules took), for the record and the answer.
    public var notes: [String] = []
    /// True when an emergency it turns on outlasts the alert's `expires` (more than a week ahead): the alert does
    /// not end by itself then.
    public var holdsPastExpiry = false
}

/// Turns an alert into commands by the rules (docs/cap.md, "Rules"). Pure: the intake stores and sends.
public enum CAPRulePlanner {
    public static func plan(_ alert: CAPAlert, rules: [CAPRule], now: Date) -> CAPPlan {
        var plan = CAPPlan()
        for rule in rules where rule.enabled {
            guard let (index, info) = alert.infos.enumerated().first(where: { rule.match.matches(alert, $0.element) })
            else { continue }
            plan.matchedRules.append(rule.id)
            let target: ActionTarget
            if alert.status == .actual {
                target = rule.target
            } else if let testTarget = rule.testTarget {
                target = testTarget
            } else {
                plan.notes.append(
                    "Rule \(rule.id): status \(alert.status.rawValue), recorded and not executed (the rule has no test_target)."
                )
                continue
            }
            let secondsLeft = info.expires.map { $0.date.timeIntervalSince(now) }
            if let secondsLeft, secondsLeft <= 0 {
                plan.notes.append("Rule \(rule.id): the alert had expired when it arrived, so nothing was executed.")
                continue
            }
            let function = rule.response.function(for: info.severity)
            let planned = CAPPlannedCommand(
                ruleID: rule.id, infoIndex: index, function: function,
                params: params(function, info: info, rule: rule, secondsLeft: secondsLeft), target: target)
            if function == .emergency, secondsLeft != nil, planned.params.durationSeconds == nil {
                plan.notes.append(
                    "Rule \(rule.id): the alert expires more than a week ahead, so its emergency holds until a Cancel "
                        + "or Update ends it.")
                plan.holdsPastExpiry = true
            }
            plan.commands.append(planned)
        }
        if plan.matchedRules.isEmpty { plan.notes.append("No enabled rule takes this alert.") }
        return plan
    }

    /// Emergency: on, with the headline and instruction, ending at `expires` (when within a week). Toast: the same
    /// text at the severity's level, for the rule's seconds or until `expires`, whichever comes first.
    static func params(
        _ function: ActionFunction, info: CAPInfo, rule: CAPRule, secondsLeft: TimeInterval?
    ) -> ActionParameters {
        let message = text(of: info)
        let left = secondsLeft.map { Int($0.rounded(.up)) }
        switch function {
        case .emergency:
            let duration = left.flatMap { $0 <= ActionParameters.maxEmergencySeconds ? $0 : nil }
            return ActionParameters(state: .on, message: message, durationSeconds: duration)
        default:
            let seconds = max(1, min(rule.toastSeconds, left ?? rule.toastSeconds))
            return ActionParameters(
                message: message, durationSeconds: seconds, level: ToastLevel(severity: info.severity))
        }
    }

    /// The headline (the event when there is none) and the instruction, on two lines, cut to what a message holds.
    static func text(of info: CAPInfo) -> String {
        let headline = info.headline.flatMap { $0.isEmpty ? nil : $0 } ?? info.event
        let lines = [headline] + (info.instruction.flatMap { $0.isEmpty ? nil : [$0] } ?? [])
        let full = lines.joined(separator: "\n")
        let limit = ActionParameters.maxMessageLength
        guard full.count > limit else { return full }
        return String(full.prefix(limit - 1)) + "…"
    }
}
