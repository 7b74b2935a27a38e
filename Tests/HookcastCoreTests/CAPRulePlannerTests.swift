import Foundation
import HookcastCAP
import Testing

@testable import HookcastCore
@testable import HookcastProtocol

/// How rules turn an alert into commands, without a store: matching, severity, status, expiry and the text shown.
@Suite struct CAPRulePlannerTests {
    static let now = Date(timeIntervalSince1970: 1_796_000_000)

    /// A CAP 1.2 alert with one info block; `extra` goes inside the info.
    static func alert(
        status: String = "Actual", msgType: String = "Alert", event: String = "Earthquake",
        severity: String = "Extreme", headline: String? = "Strong earthquake", instruction: String? = "Drop and cover",
        expires: String? = nil, areaDesc: String = "City of Springfield",
        geocode: (String, String) = ("FIPS6", "006113"), eventCode: (String, String) = ("SAME", "EQW")
    ) throws -> CAPAlert {
        var info = "<category>Geo</category><event>\(event)</event>"
        info += "<urgency>Immediate</urgency><severity>\(severity)</severity><certainty>Observed</certainty>"
        info += "<eventCode><valueName>\(eventCode.0)</valueName><value>\(eventCode.1)</value></eventCode>"
        if let expires { info += "<expires>\(expires)</expires>" }
        if let headline { info += "<headline>\(headline)</headline>" }
        if let instruction { info += "<instruction>\(instruction)</instruction>" }
        info += "<area><areaDesc>\(areaDesc)</areaDesc>"
        info += "<geocode><valueName>\(geocode.0)</valueName><value>\(geocode.1)</value></geocode></area>"
        let xml = """
            <alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>A1</identifier>
            <sender>alerts@example.org</sender><sent>2026-12-06T10:00:00-00:00</sent><status>\(status)</status>
            <msgType>\(msgType)</msgType><scope>Public</scope><info>\(info)</info></alert>
            """
        return try CAPAlertReader.read(Array(xml.utf8))
    }

    static func rule(
        _ id: String, match: CAPMatch = CAPMatch(), target: ActionTarget = .all, response: CAPResponse = .automatic,
        testTarget: ActionTarget? = nil, enabled: Bool = true
    ) throws -> CAPRule {
        CAPRule(
            id: try CAPRuleID(id), name: id, enabled: enabled, match: match, target: target, response: response,
            testTarget: testTarget, createdAt: now, updatedAt: now)
    }

    @Test func severityChoosesEmergencyOrAToast() throws {
        let extreme = CAPRulePlanner.plan(try Self.alert(), rules: [try Self.rule("all")], now: Self.now)
        #expect(extreme.commands.map(\.function) == [.emergency])
        #expect(
            extreme.commands.first?.params == ActionParameters(state: .on, message: "Strong earthquake\nDrop and cover")
        )
        #expect(extreme.commands.first?.params.durationSeconds == nil, "no expires: held until a Cancel")

        let moderate = CAPRulePlanner.plan(
            try Self.alert(severity: "Moderate", instruction: nil), rules: [try Self.rule("all")], now: Self.now)
        #expect(
            moderate.commands.first?.params
                == ActionParameters(message: "Strong earthquake", durationSeconds: 60, level: .warning))
        let forced = CAPRulePlanner.plan(
            try Self.alert(severity: "Minor"), rules: [try Self.rule("all", response: .emergency)], now: Self.now)
        #expect(forced.commands.map(\.function) == [.emergency])
    }

    @Test func expiresBoundsEmergencyAndToast() throws {
        let inTwoMinutes = "2026-11-30T00:55:20+00:00"  // now is 2026-11-30T00:53:20Z
        let emergency = CAPRulePlanner.plan(
            try Self.alert(expires: inTwoMinutes), rules: [try Self.rule("all")], now: Self.now)
        #expect(emergency.commands.first?.params.durationSeconds == 120)
        let toast = CAPRulePlanner.plan(
            try Self.alert(severity: "Minor", expires: "2026-11-30T00:53:50+00:00"),
            rules: [try Self.rule("all")], now: Self.now)
        #expect(toast.commands.first?.params.durationSeconds == 30)
        #expect(toast.commands.first?.params.level == .info)
        let distant = CAPRulePlanner.plan(
            try Self.alert(expires: "2026-12-30T00:00:00+00:00"), rules: [try Self.rule("all")], now: Self.now)
        #expect(distant.commands.first?.params.durationSeconds == nil)
        #expect(distant.holdsPastExpiry)
        #expect(distant.notes.first?.contains("more than a week ahead") == true)
        #expect(!emergency.holdsPastExpiry)
        let gone = CAPRulePlanner.plan(
            try Self.alert(expires: "2026-11-30T00:50:00+00:00"), rules: [try Self.rule("all")], now: Self.now)
        #expect(gone.commands.isEmpty)
        #expect(gone.matchedRules.map(\.rawValue) == ["all"])
        #expect(gone.notes.first?.contains("expired") == true)
    }

    @Test func statusOtherThanActualGoesToTheTestTargetOrNowhere() throws {
        let screens = ActionTarget.group(try GroupID("test-screens"))
        let rules = [try Self.rule("plain"), try Self.rule("tested", testTarget: screens)]
        for status in ["Exercise", "Test", "System", "Draft"] {
            let plan = CAPRulePlanner.plan(try Self.alert(status: status), rules: rules, now: Self.now)
            #expect(plan.commands.map(\.target) == [screens], "\(status)")
            #expect(plan.notes.contains { $0.contains("Rule plain: status \(status)") }, "\(status)")
        }
    }

    @Test func everyCriterionMustHoldAndAnyValueWithinOne() throws {
        var byEvent = CAPMatch()
        byEvent.events = ["earthquake", "Tsunami"]
        byEvent.severities = [.extreme, .severe]
        var byArea = CAPMatch()
        byArea.areas = ["springfield"]
        byArea.geocodes = [CAPValuePair(valueName: "fips6", value: "006113")]
        var byCode = CAPMatch()
        byCode.eventCodes = [CAPValuePair(valueName: "SAME", value: "EQW")]
        byCode.senders = ["other@example.org"]
        let rules = [
            try Self.rule("event", match: byEvent), try Self.rule("area", match: byArea),
            try Self.rule("code", match: byCode), try Self.rule("off", enabled: false),
        ]
        let plan = CAPRulePlanner.plan(try Self.alert(), rules: rules, now: Self.now)
        #expect(plan.matchedRules.map(\.rawValue) == ["event", "area"])
        #expect(plan.commands.count == 2)
        let none = CAPRulePlanner.plan(
            try Self.alert(event: "Flood", severity: "Minor", areaDesc: "Shelbyville", geocode: ("FIPS6", "1")),
            rules: rules, now: Self.now)
        #expect(none.commands.isEmpty)
        #expect(none.notes == ["No enabled rule takes this alert."])
    }

    @Test func theTextIsCutToWhatAMessageHolds() throws {
        let long = String(repeating: "x", count: 600)
        let plan = CAPRulePlanner.plan(
            try Self.alert(headline: nil, instruction: long), rules: [try Self.rule("all")], now: Self.now)
        let message = try #require(plan.commands.first?.params.message)
        #expect(message.count == 500)
        #expect(message.hasPrefix("Earthquake\nxxx"), "the event stands in for a missing headline")
        #expect(message.hasSuffix("…"))
    }

    @Test func aRuleThatMayTurnEmergencyOnCannotTargetTags() throws {
        let tags = ActionTarget.tag(try TagSelection(tags: ["lobby"]))
        #expect(throws: ValidationError.self) { try Self.rule("t", target: tags).validated() }
        _ = try Self.rule("t", target: tags, response: .toast).validated()
        #expect(throws: ValidationError.self) {
            try Self.rule("t", testTarget: tags).validated()
        }
    }
}
