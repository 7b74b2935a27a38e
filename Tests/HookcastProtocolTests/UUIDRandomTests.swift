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
