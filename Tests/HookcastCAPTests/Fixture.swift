import Foundation
import Testing

/// The XML documents in Fixtures/, read from the test bundle.
enum Fixture {
    static func bytes(_ name: String) throws -> [UInt8] {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "xml", subdirectory: "Fixtures"))
        return Array(try Data(contentsOf: url))
    }

    static let capSpecificationExamples = [
        "a1-homeland-security-advisory", "a2-severe-thunderstorm-warning", "a3-earthquake-report-update",
        "a4-amber-alert-multilingual",
    ]
}
