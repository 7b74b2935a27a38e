import Foundation
import HookcastCAP
import Testing

@testable import HookcastCore
@testable import HookcastProtocol

/// CAP rules and received alerts in every store: a message's key is claimed once, records read back as written.
@Suite struct CAPStoreTests {
    @Test(arguments: StoreKind.allCases)
    func rulesSupportCRUDAndConflicts(kind: StoreKind) async throws {
        try await kind.withStore { store in
            var match = CAPMatch()
            match.severities = [.extreme]
            match.geocodes = [CAPValuePair(valueName: "FIPS6", value: "006113")]
            let quake = CAPRule(
                id: try CAPRuleID("quake"), name: "Quakes", match: match, target: .group(try groupID("lobby")),
                testTarget: .device(try deviceID("test-screen")), createdAt: referenceDate, updatedAt: referenceDate)
            let storm = CAPRule(
                id: try CAPRuleID("storm"), name: "Storms", target: .all, response: .toast, toastSeconds: 30,
                createdAt: referenceDate.addingTimeInterval(1), updatedAt: referenceDate)
            try await store.capRules.insert(quake)
            try await store.capRules.insert(storm)
            #expect(try await store.capRules.all() == [quake, storm])
            await #expect(throws: StoreError.conflict("CAP rule 'quake' already exists")) {
                try await store.capRules.insert(quake)
            }
            var changed = quake
            changed.enabled = false
            changed.createdAt = referenceDate.addingTimeInterval(99)
            try await store.capRules.update(changed)
            var expected = changed
            expected.createdAt = quake.createdAt
            #expect(try await store.capRules.find(id: quake.id) == expected)
            #expect(try await store.capRules.delete(id: storm.id))
            #expect(try await store.capRules.delete(id: storm.id) == false)
            await #expect(throws: StoreError.self) { try await store.capRules.update(storm) }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func anAlertIsClaimedOnceAndReadBackAsWritten(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let alert = try CAPRulePlannerTests.alert(expires: "2026-11-30T00:55:20+00:00")
            var record = CAPAlertRecord(alert: alert, receivedAt: referenceDate, apiKeyID: UUID(), feedURL: nil)
            #expect(try await store.capAlerts.claim(record) == nil)
            let copy = CAPAlertRecord(
                alert: alert, receivedAt: referenceDate.addingTimeInterval(5), apiKeyID: nil, feedURL: nil)
            #expect(try await store.capAlerts.claim(copy) == record, "the first claim wins")

            record.state = .active
            record.ruleIDs = [try CAPRuleID("quake")]
            record.commandIDs = [UUID(), UUID()]
            record.notes = ["Rule x: status Test, recorded and not executed."]
            try await store.capAlerts.update(record)
            #expect(try await store.capAlerts.find(id: record.id) == record)
            #expect(
                try await store.capAlerts.find(keys: [alert.key, CAPReference(sender: "a", identifier: "b", sent: "c")])
                    == [record])
            #expect(record.state(at: Date(timeIntervalSince1970: 1_796_000_200)) == .expired)

            var later = try CAPRulePlannerTests.alert(msgType: "Cancel")
            later.identifier = "A2"
            let second = CAPAlertRecord(
                alert: later, receivedAt: referenceDate.addingTimeInterval(10), apiKeyID: nil,
                feedURL: "https://feeds.example.org/cap")
            #expect(try await store.capAlerts.claim(second) == nil)
            #expect(try await store.capAlerts.page(before: nil, limit: 10).map(\.id) == [second.id, record.id])
            #expect(try await store.capAlerts.page(before: second.id, limit: 10).map(\.id) == [record.id])
            try await store.capAlerts.remove(id: second.id)
            #expect(try await store.capAlerts.find(id: second.id) == nil)
        }
    }
}
