import Foundation
import Testing

@testable import HookcastProtocol

/// A datasource or loop reference may not be all white space. The check uses Unicode's White_Space property
/// and U+200B instead of Foundation's `CharacterSet` (which would make the broker plugin link CoreFoundation and
/// ICU); these tests pin that it refuses exactly what `CharacterSet.whitespacesAndNewlines` did.
@Suite struct ReferenceWhitespaceTests {
    @Test("White_Space and U+200B are exactly CharacterSet.whitespacesAndNewlines, over the Basic Multilingual Plane")
    func sameSetAsCharacterSet() {
        let characterSet = CharacterSet.whitespacesAndNewlines
        var differences: [UInt32] = []
        for value in UInt32(0)...0xFFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let whiteSpace = scalar.properties.isWhitespace || scalar == "\u{200B}"
            if characterSet.contains(scalar) != whiteSpace { differences.append(value) }
        }
        #expect(differences.isEmpty, "differ at \(differences.map { String($0, radix: 16) })")
    }

    @Test("An all-white-space reference is refused; one with white space inside is kept")
    func blankReferences() throws {
        for blank in [" ", "\t\n", "\u{00A0}", "\u{3000}\u{2028}", "\r\n", "\u{200B}"] {
            #expect(throws: ValidationError.self, "\(blank.unicodeScalars.map(\.value))") {
                try ActionParameters(datasourceID: blank).validated(for: .refreshDatasource)
            }
        }
        let spaced = ActionParameters(loopID: " main loop ")
        #expect(try spaced.validated(for: .pauseLoop) == spaced)
    }
}
