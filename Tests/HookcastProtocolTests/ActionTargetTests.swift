import Foundation
import Testing

@testable import HookcastProtocol

@Suite struct ActionTargetTests {
    @Test func targetsRoundTripThroughTheirJSONForms() throws {
        let cases: [(ActionTarget, String)] = [
            (.device(try deviceID("d1")), #"{"id":"d1","kind":"device"}"#),
            (.group(try groupID("g1")), #"{"id":"g1","kind":"group"}"#),
            (.all, #"{"kind":"all"}"#),
        ]
        for (target, json) in cases {
            #expect(String(decoding: try JSONCoding.encoder().encode(target), as: UTF8.self) == json)
            #expect(try JSONDecoder().decode(ActionTarget.self, from: Data(json.utf8)) == target)
        }
    }

    @Test(arguments: [
        (#"{"kind":"planet"}"#, "target.kind"),
        (#"{"id":"d1"}"#, "target.kind"),
        (#"{"kind":7}"#, "target.kind"),
        (#"{"kind":"device"}"#, "target.id"),
        (#"{"kind":"group","id":5}"#, "target.id"),
        (#"{"kind":"device","id":"a/b"}"#, "target.id"),
        (#"{"kind":"group","id":""}"#, "target.id"),
    ])
    func decodingErrorsNameTheField(json: String, field: String) {
        do {
            _ = try JSONDecoder().decode(ActionTarget.self, from: Data(json.utf8))
            Issue.record("expected an error for \(json)")
        } catch let error as ValidationError {
            #expect(error.field == field)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func nestedTargetErrorsUseTheCodingPath() {
        struct Body: Decodable { var target: ActionTarget }
        #expect(throws: ValidationError(field: "target.kind", message: "must be one of 'device', 'group' or 'all'")) {
            try JSONDecoder().decode(Body.self, from: Data(#"{"target":{"kind":"x"}}"#.utf8))
        }
    }
}
