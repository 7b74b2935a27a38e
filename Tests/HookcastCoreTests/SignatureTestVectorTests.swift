import Foundation
import HookcastTestSupport
import Testing

@testable import HookcastCore

/// The signature test vector docs/integrating.md gives callers, read from the page itself and held against the
/// gateway's own signing and verification: the page cannot drift from the code.
@Suite struct SignatureTestVectorTests {
    /// The `name  value` lines between the page's signature-vector markers.
    static func documentedVector() throws -> [String: String] {
        let page = try String(
            contentsOf: RepositoryFiles.root.appendingPathComponent("docs/integrating.md"), encoding: .utf8)
        let start = try #require(page.range(of: "<!-- signature-vector:start -->"))
        let end = try #require(page.range(of: "<!-- signature-vector:end -->"))
        var vector: [String: String] = [:]
        for line in page[start.upperBound..<end.lowerBound].split(separator: "\n") where !line.hasPrefix("```") {
            // Names are one or two words, then at least two spaces: the value may hold single spaces.
            guard let gap = line.range(of: "  ") else { continue }
            vector[String(line[..<gap.lowerBound])] = line[gap.upperBound...].trimmingCharacters(in: .whitespaces)
        }
        return vector
    }

    @Test func theDocumentedVectorIsWhatHookcastSignsAndAccepts() throws {
        let vector = try Self.documentedVector()
        let secret = try #require(vector["secret"].flatMap(SigningSecret.init(value:)), "\(vector)")
        let id = try #require(vector["webhook-id"])
        let timestamp = try #require(vector["webhook-timestamp"].flatMap { Int64($0) })
        let body = Array(try #require(vector["body"]).utf8)
        let signature = try #require(vector["webhook-signature"])

        #expect(String(decoding: secret.keyBytes, as: UTF8.self) == vector["key bytes"])
        #expect(vector["signed content"] == "\(id).\(timestamp).\(String(decoding: body, as: UTF8.self))")
        #expect(WebhookSignature.sign(id: id, timestamp: timestamp, body: body, secret: secret) == signature)

        let sentAt = Date(timeIntervalSince1970: TimeInterval(timestamp))
        func verify(body changed: [UInt8]? = nil, at date: Date? = nil) -> WebhookSignature.Failure? {
            do {
                try WebhookSignature.verify(
                    id: id, timestamp: String(timestamp), signatures: signature, body: changed ?? body, secret: secret,
                    now: date ?? sentAt)
                return nil
            } catch {
                return error
            }
        }
        #expect(verify() == nil)
        #expect(verify(body: body + Array("\n".utf8)) == .noValidSignature, "the body is signed byte for byte")
        // "Sent today, this request is refused": its timestamp is past the 5 minutes.
        #expect(verify(at: sentAt.addingTimeInterval(WebhookSignature.tolerance + 1)) == .timestampOutOfRange)
    }
}
