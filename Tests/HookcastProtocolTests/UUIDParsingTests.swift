import Foundation
import HookcastProtocol
import Testing

/// `UUID(parsing:)` reads what `UUID(uuidString:)` reads, the same way, and refuses what it refuses.
@Suite struct UUIDParsingTests {
    @Test("Canonical ids in either case read as Foundation reads them")
    func canonical() {
        for _ in 0..<1_000 {
            let id = UUID()
            #expect(UUID(parsing: id.uuidString) == id)
            #expect(UUID(parsing: id.uuidString.lowercased()) == id)
            #expect(UUID(parsing: id.lowercasedString) == UUID(uuidString: id.lowercasedString))
        }
        #expect(
            UUID(parsing: "00000000-0000-0000-0000-000000000000")
                == UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)))
        #expect(
            UUID(parsing: "FFFFFFFF-ffff-FFFF-ffff-FFFFFFFFFFFF")
                == UUID(uuidString: "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF"))
    }

    @Test(
        "What is not a canonical id is refused, by both",
        arguments: [
            "", "not a uuid", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f00",
            "0f1e2d3c4b5a-6978-8796-a5b4c3d2e1f0-", "0f1e2d3c-4b5a-6978-8796_a5b4c3d2e1f0",
            "0g1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "{f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
            "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1fé", "0f1e2d3c 4b5a 6978 8796 a5b4c3d2e1f0",
            "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
        ])
    func refused(_ text: String) {
        #expect(UUID(parsing: text) == nil)
        #expect(UUID(uuidString: text) == nil)
    }

    /// Foundation's `sscanf` reads some of these (`0x` inside a group); the canonical reading must not misread any.
    @Test("Every single-character change reads as Foundation reads it")
    func everyPosition() {
        let id = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
        for position in 0..<36 {
            for replacement in ["-", "x", "0"] {
                var characters = Array(id)
                characters[position] = Character(replacement)
                let text = String(characters)
                #expect(UUID(parsing: text) == UUID(uuidString: text), "\(text)")
            }
        }
    }
}
