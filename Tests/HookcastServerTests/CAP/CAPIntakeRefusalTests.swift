import Foundation
import HookcastCore
import HookcastTestSupport
import Testing

/// Every bad CAP request gets a 4xx naming the problem, and stores nothing: no alert record, no command. In
/// process, on a memory store with a recording publisher (no broker needed to refuse).
@Suite("CAP intake: refusals")
struct CAPIntakeRefusalTests {
    static let deep =
        "<?xml version=\"1.0\"?>" + String(repeating: "<a>", count: 10_000)
        + String(repeating: "</a>", count: 10_000)

    static let hostile: [(String, [UInt8], Int, String)] = [
        (
            "billion laughs",
            Array(
                """
                <?xml version="1.0"?>
                <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
                <alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&lol2;</identifier></alert>
                """.utf8), 400, "xml_doctype_refused"
        ),
        (
            "external entity",
            Array(
                """
                <?xml version="1.0"?>
                <!DOCTYPE alert [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
                <alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&xxe;</identifier></alert>
                """.utf8), 400, "xml_doctype_refused"
        ),
        (
            "undeclared entity",
            Array(#"<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&foo;</identifier></alert>"#.utf8),
            400, "xml_entity_refused"
        ),
        ("10,000-deep nesting", Array(deep.utf8), 400, "xml_too_deep"),
        ("10 MB body", Array(repeating: UInt8(ascii: " "), count: 10_000_000), 413, "body_too_large"),
        (
            "wrong namespace",
            Array(CAPTestAlert().xml.replacingOccurrences(of: "cap:1.2", with: "cap:1.1").utf8), 422,
            "cap_not_an_alert"
        ),
        (
            "invalid UTF-8",
            Array(#"<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>"#.utf8) + [0xC3, 0x28]
                + Array("</identifier></alert>".utf8), 400, "xml_invalid_utf8"
        ),
        (
            "bad severity",
            Array(CAPTestAlert(severity: "Apocalyptic").xml.utf8), 422, "invalid_alert_info[0]_severity"
        ),
        ("not XML at all", Array("{\"event_id\":\"quake\"}".utf8), 400, "xml_malformed"),
    ]

    @Test("Hostile and malformed alerts: 4xx naming the problem, nothing stored, nothing sent")
    func hostileAlertsAreRefused() async throws {
        try await InProcessGateway.runAndInspect { parts in
            let (gateway, store, broker) = (parts.client, parts.store, parts.broker)
            #expect(
                try await gateway.admin(.post, "cap/rules", CAPLifecycleTests.quakeRule).status == .created)
            let key = try await gateway.createKey().secret
            for (name, body, status, code) in Self.hostile {
                let answer = try await gateway.postCAP(key: key, bytes: body)
                #expect(answer.status.code == status, "\(name): \(answer.text.prefix(300))")
                #expect(answer.string("error") == code, "\(name): \(answer.text.prefix(300))")
                #expect(answer.string("message") == "Error")
            }
            #expect(try await store.capAlerts.page(before: nil, limit: 10).isEmpty)
            #expect(try await store.commands.count() == 0)
            #expect(broker.publishes.isEmpty)
        }
    }

    @Test("No key, a wrong key, JSON instead of XML: 401, 401 and 415")
    func requestsWithoutAKeyOrXML() async throws {
        try await InProcessGateway.run { gateway in
            let alert = CAPTestAlert().xml
            #expect(try await gateway.postCAP(key: nil, alert).string("error") == "missing_api_key")
            #expect(try await gateway.postCAP(key: "hk_wrong", alert).string("error") == "invalid_api_key")
            let key = try await gateway.createKey().secret
            let json = try await gateway.postCAP(key: key, alert, contentType: "application/json")
            #expect(json.status == .unsupportedMediaType)
        }
    }

    @Test("Rules: a tag target that may turn emergency on, an unknown severity, a missing target: 422 naming it")
    func badRulesAreRefused() async throws {
        try await InProcessGateway.run { gateway in
            let cases: [(String, String)] = [
                (#"{"id":"t","target":{"kind":"tag","tags":["lobby"]}}"#, "invalid_target_kind"),
                (
                    #"{"id":"s","match":{"severities":["Apocalyptic"]},"target":{"kind":"all"}}"#,
                    "invalid_match_severities[0]"
                ),
                (#"{"id":"n"}"#, "invalid_target"),
                (#"{"id":"d","target":{"kind":"all"},"toast_seconds":0}"#, "invalid_toast_seconds"),
                (#"{"id":"bad id","target":{"kind":"all"}}"#, "invalid_id"),
            ]
            for (body, code) in cases {
                let answer = try await gateway.admin(.post, "cap/rules", body)
                #expect(answer.status == .unprocessableContent, "\(body): \(answer.text)")
                #expect(answer.string("error") == code, "\(body): \(answer.text)")
            }
            let toast = try await gateway.admin(
                .post, "cap/rules", #"{"id":"lobby","target":{"kind":"tag","tags":["lobby"]},"response":"toast"}"#)
            #expect(toast.status == .created, "\(toast.text)")
            #expect(try await gateway.admin(.get, "cap/rules")["items"]?.arrayValue?.count == 1)
        }
    }
}
