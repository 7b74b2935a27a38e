import Foundation
import Testing

@testable import HookcastServer

/// `Base64URL.encode` against Foundation's Base64 in the URL-safe alphabet without padding, for every length of
/// remainder, and back through `Base64URL.decode`.
@Suite struct Base64URLEncodeTests {
    @Test func matchesFoundationAndDecodesBack() throws {
        var generator = SystemRandomNumberGenerator()
        for length in 0...64 {
            let bytes = (0..<length).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            let expected = Data(bytes).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
            let encoded = Base64URL.encode(bytes)
            #expect(encoded == expected, "length \(length)")
            #expect(Base64URL.encode(Data(bytes)) == expected)
            if length > 0 { #expect(Base64URL.decode(encoded) == Data(bytes)) }
        }
    }
}
