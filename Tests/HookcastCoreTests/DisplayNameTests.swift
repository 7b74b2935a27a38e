import HookcastCore
import HookcastProtocol
import Testing

@Suite struct DisplayNameTests {
    @Test func displayNamesAreTrimmedAndLimited() throws {
        #expect(try DisplayName.validate("  Lobby screen ") == "Lobby screen")
        #expect(throws: ValidationError.self) { try DisplayName.validate("   ") }
        #expect(throws: ValidationError.self) { try DisplayName.validate(String(repeating: "n", count: 101)) }
        #expect(try DisplayName.validate(String(repeating: "n", count: 100)).count == 100)
    }
}
