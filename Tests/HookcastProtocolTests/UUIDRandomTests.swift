import Foundation
import Testing

@testable import HookcastProtocol

@Suite struct UUIDRandomTests {
    @Test func isAVersionFourRFCVariantUUIDAndDiffersEachTime() {
        let ids = (0..<1000).map { _ in UUID.random() }
        #expect(Set(ids).count == ids.count)
        for id in ids {
            let text = id.uuidString
            // xxxxxxxx-xxxx-4xxx-[89AB]xxx-xxxxxxxxxxxx
            #expect(Array(text)[14] == "4")
            #expect("89AB".contains(Array(text)[19]))
        }
    }
}

@Suite struct UUIDLowercasedStringTests {
    @Test func spellsTheUUIDAsUUIDStringLowercasedDoes() throws {
        var ids = (0..<1000).map { _ in UUID() }
        ids += [
            try #require(UUID(uuidString: "00000000-0000-0000-0000-000000000000")),
            try #require(UUID(uuidString: "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF")),
        ]
        for id in ids { #expect(id.lowercasedString == id.uuidString.lowercased()) }
    }
}

@Suite struct UUIDTimeOrderedTests {
    @Test func isAVersionSevenUUIDCarryingItsMillisecond() throws {
        let date = Date(timeIntervalSince1970: 1_764_950_400.123)  // 2025-12-05T16:00:00.123Z
        let ids = (0..<1000).map { _ in UUID.timeOrdered(at: date) }
        #expect(Set(ids).count == ids.count)
        for id in ids {
            let text = Array(id.lowercasedString)
            // tttttttt-tttt-7xxx-[89ab]xxx-xxxxxxxxxxxx, the first twelve hex digits the milliseconds
            #expect(text[14] == "7")
            #expect("89ab".contains(text[19]))
            let milliseconds = UInt64(String(text[0..<8] + text[9..<13]), radix: 16)
            #expect(milliseconds == 1_764_950_400_123)
        }
    }

    /// What the store's indexes rely on: a later millisecond sorts later, as bytes and as the lower-case text the
    /// store keeps.
    @Test func laterMillisecondsSortLater() {
        var previous = UUID.timeOrdered(at: Date(timeIntervalSince1970: 0))
        for step in 1...2000 {
            let date = Date(timeIntervalSince1970: Double(step) * 86_400.001)
            let next = UUID.timeOrdered(at: date)
            #expect(previous.lowercasedString < next.lowercasedString)
            previous = next
        }
    }

    @Test func aDateBeforeTheEpochGivesTimeZero() {
        let id = UUID.timeOrdered(at: Date(timeIntervalSince1970: -5))
        #expect(id.lowercasedString.hasPrefix("00000000-0000-7"))
    }
}
