import Foundation
import HookcastCAP
import HookcastCore
import HookcastProtocol
import Testing

/// The CAP 1.2 specification's Appendix A examples through a set of rules an operator might write: each maps as
/// the rules say (docs/cap.md, "Rules"). Each is planned at its own `sent` time, as if it had just arrived.
@Suite struct CAPSpecificationMappingTests {
    static func rule(
        _ id: String, target: ActionTarget, response: CAPResponse = .automatic, _ configure: (inout CAPMatch) -> Void
    ) throws -> CAPRule {
        var match = CAPMatch()
        configure(&match)
        let now = Date(timeIntervalSince1970: 1_796_000_000)
        return try CAPRule(
            id: try CAPRuleID(id), name: id, match: match, target: target, response: response, createdAt: now,
            updatedAt: now
        ).validated()
    }

    static func rules() throws -> [CAPRule] {
        [
            try rule("security", target: .group(try GroupID("headquarters"))) { $0.categories = [.security] },
            try rule("storms", target: .group(try GroupID("sierra"))) {
                $0.eventCodes = [CAPValuePair(valueName: "SAME", value: "SVR")]
                $0.geocodes = [CAPValuePair(valueName: "SAME", value: "006109")]
            },
            try rule("quakes", target: .all) { $0.events = ["Earthquake"] },
            try rule("amber", target: .tag(try TagSelection(tags: ["lobby"])), response: .toast) {
                $0.eventCodes = [CAPValuePair(valueName: "SAME", value: "CAE")]
                $0.areas = ["Los Angeles"]
            },
            try rule("amber-es", target: .group(try GroupID("spanish-screens")), response: .toast) {
                $0.events = ["Abducción de Niño"]
            },
        ]
    }

    static func plan(_ fixture: String) throws -> (CAPAlert, CAPPlan) {
        let alert = try CAPAlertReader.read(try Fixture.bytes(fixture))
        return (alert, CAPRulePlanner.plan(alert, rules: try rules(), now: alert.sent.date))
    }

    @Test func homelandSecurityAdvisoryTurnsEmergencyOnAtHeadquarters() throws {
        let (_, plan) = try Self.plan("a1-homeland-security-advisory")
        #expect(plan.matchedRules.map(\.rawValue) == ["security"])
        let command = try #require(plan.commands.first)
        #expect(command.function == .emergency)
        #expect(command.target == .group(try GroupID("headquarters")))
        #expect(command.params.message?.hasPrefix("Homeland Security Sets Code ORANGE\nA High Condition") == true)
        #expect(command.params.message?.hasSuffix("in accordance with their existing plans.") == true)
        #expect(command.params.durationSeconds == nil, "no expires: it holds until a Cancel or Update ends it")
    }

    @Test func severeThunderstormShelterWarningEndsWhenItExpires() throws {
        let (_, plan) = try Self.plan("a2-severe-thunderstorm-warning")
        #expect(plan.matchedRules.map(\.rawValue) == ["storms"])
        let command = try #require(plan.commands.first)
        #expect(command.function == .emergency)
        #expect(
            command.params.message
                == "SEVERE THUNDERSTORM WARNING\nTAKE COVER IN A SUBSTANTIAL SHELTER UNTIL THE STORM PASSES.")
        // Sent 14:57, expires 16:00 the same day (both -07:00): 63 minutes.
        #expect(command.params.durationSeconds == 63 * 60)
    }

    @Test func minorEarthquakeUpdateIsAToastEverywhere() throws {
        let (alert, plan) = try Self.plan("a3-earthquake-report-update")
        #expect(alert.msgType == .update)
        #expect(
            alert.references == [
                CAPReference(
                    sender: "trinet@caltech.edu", identifier: "TRI13970876.1", sent: "2003-06-11T20:30:00-07:00")
            ])
        let command = try #require(plan.commands.first)
        #expect(plan.matchedRules.map(\.rawValue) == ["quakes"])
        #expect(command.function == .showToast)
        #expect(command.target == .all)
        #expect(
            command.params == ActionParameters(message: "EQ 3.4 Imperial County CA", durationSeconds: 60, level: .info))
    }

    @Test func multilingualAmberAlertReachesEachRuleThroughItsOwnLanguage() throws {
        let (_, plan) = try Self.plan("a4-amber-alert-multilingual")
        #expect(plan.matchedRules.map(\.rawValue) == ["amber", "amber-es"])
        let english = try #require(plan.commands.first { $0.ruleID.rawValue == "amber" })
        #expect(english.infoIndex == 0)
        #expect(english.params.level == .critical)
        #expect(english.params.message?.hasPrefix("Amber Alert in Los Angeles County") == true)
        let spanish = try #require(plan.commands.first { $0.ruleID.rawValue == "amber-es" })
        #expect(spanish.infoIndex == 1)
        #expect(spanish.params.message?.hasPrefix("Alerta Amber en el condado de Los Ángeles") == true)
    }
}
