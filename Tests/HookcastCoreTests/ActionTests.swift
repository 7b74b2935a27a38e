import Foundation
import HookcastCore
import HookcastProtocol
import Testing

@Suite struct ActionTests {
    @Test func actionValidationChecksNameTTLAndParameters() throws {
        let action = try makeAction()
        #expect(try action.validated() == action)
        var renamed = action
        renamed.name = "  Door  "
        #expect(try renamed.validated().name == "Door")
        for ttl in [0, 604_801] {
            var wrong = action
            wrong.ttlSeconds = ttl
            #expect(throws: ValidationError.self) { try wrong.validated() }
        }
        var noURL = action
        noURL.params = ActionParameters()
        #expect(throws: ValidationError(field: "params.url", message: "is required for the load_url function")) {
            try noURL.validated()
        }
    }

    @Test func actionJSONUsesSnakeCaseAndDefaultsTTL() throws {
        let json = #"""
            {"event_id":"e1","name":"E","function":"restart_device","target":{"kind":"all"},
             "created_at":0,"updated_at":0}
            """#
        let action = try JSONDecoder().decode(Action.self, from: Data(json.utf8))
        #expect(action.ttlSeconds == 300)
        #expect(action.enabled)
        #expect(action.eventID.rawValue == "e1")
        let encoded = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(action)) as? [String: Any]
        #expect(
            Set(encoded?.keys.map { $0 } ?? []) == [
                "event_id", "name", "enabled", "function", "params", "target", "ttl_seconds", "callback_url",
                "created_at", "updated_at",
            ]
        )
    }
}
