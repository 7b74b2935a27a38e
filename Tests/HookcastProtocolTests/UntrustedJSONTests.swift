import Foundation
import Testing

@testable import HookcastProtocol

@Suite struct UntrustedJSONTests {
    /// Foundation's JSONDecoder (Swift 6.3.1, Linux) traps on exactly 513 opening brackets and nothing after:
    /// one line of input took the whole process down. Found by the payload fuzz test.
    @Test func theInputThatCrashedFoundationIsRefusedBeforeItGetsThere() {
        let crasher = Data(repeating: UInt8(ascii: "["), count: 513)
        #expect(throws: UntrustedJSON.Failure.nestedTooDeeply) { try UntrustedJSON.decode(crasher) }
        let inBody = Data((#"{"event_id":"refresh","sensor_data":"# + String(repeating: "[", count: 512)).utf8)
        #expect(throws: UntrustedJSON.Failure.nestedTooDeeply) { try UntrustedJSON.decode(inBody) }
        #expect(throws: UntrustedJSON.Failure.self) { try UntrustedJSON.decode(Acknowledgement.self, from: crasher) }
    }

    @Test func depthCountsOnlyBracketsOutsideStrings() throws {
        let limit = UntrustedJSON.maximumDepth
        let deepest = String(repeating: "[", count: limit) + String(repeating: "]", count: limit)
        #expect(try UntrustedJSON.decode(Data(deepest.utf8)) != .null)
        let tooDeep = "[" + deepest + "]"
        #expect(throws: UntrustedJSON.Failure.nestedTooDeeply) { try UntrustedJSON.decode(Data(tooDeep.utf8)) }
        let bracketsInStrings = #"{"a":"\#(String(repeating: "[{", count: 500))","b":"\"[[[["}"#
        #expect(try UntrustedJSON.decode(Data(bracketsInStrings.utf8)) != .null)
    }

    @Test func invalidUTF8AndInvalidJSONAreTold() {
        #expect(throws: UntrustedJSON.Failure.notUTF8) { try UntrustedJSON.decode(Data([0x7B, 0xFF, 0x7D])) }
        #expect(throws: UntrustedJSON.Failure.invalid) { try UntrustedJSON.decode(Data(#"{"a":"#.utf8)) }
        #expect("\(UntrustedJSON.Failure.nestedTooDeeply)" == "nested more than 64 levels deep")
    }
}
