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

    @Test(arguments: StoreKind.allCases)
    func feedsKeepTheirStatusUntilTheirURLChanges(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let feed = CAPFeed(
                id: try CAPFeedID("city"), url: "https://alerts.example.org/feed.xml", intervalSeconds: 30,
                createdAt: referenceDate, updatedAt: referenceDate)
            try await store.capFeeds.insert(feed)
            await #expect(throws: StoreError.conflict("CAP feed 'city' already exists")) {
                try await store.capFeeds.insert(feed)
            }
            var status = CAPFeedStatus()
            status.lastPolledAt = referenceDate
            status.lastStatus = 200
            status.etag = "\"v1\""
            status.alertsReceived = 3
            status.remember((0..<(CAPFeedStatus.rememberedEntries + 5)).map { "entry-\($0)" })
            #expect(status.seenEntries.count == CAPFeedStatus.rememberedEntries)
            #expect(status.seenEntries.first == "entry-5", "the oldest are forgotten first")
            try await store.capFeeds.saveStatus(status, of: feed.id)
            #expect(try await store.capFeeds.find(id: feed.id)?.status == status)

            var slower = feed
            slower.intervalSeconds = 300
            try await store.capFeeds.update(slower)
            #expect(try await store.capFeeds.find(id: feed.id)?.status == status, "same URL: the status stays")
            var moved = slower
            moved.url = "https://other.example.org/feed.xml"
            try await store.capFeeds.update(moved)
            let found = try #require(try await store.capFeeds.all().first)
            #expect(found.feed == moved)
            #expect(found.status == CAPFeedStatus(), "another URL: the status starts afresh")
            #expect(try await store.capFeeds.delete(id: feed.id))
            try await store.capFeeds.saveStatus(status, of: feed.id)
            #expect(try await store.capFeeds.all().isEmpty, "a status saved after the delete does not bring it back")
        }
    }
}
