import Foundation
import Testing

@testable import HookcastProtocol

@Suite struct ActionTargetTests {
    @Test func targetsRoundTripThroughTheirJSONForms() throws {
        let cases: [(ActionTarget, String)] = [
            (.device(try deviceID("d1")), #"{"id":"d1","kind":"device"}"#),
            (.group(try groupID("g1")), #"{"id":"g1","kind":"group"}"#),
            (.all, #"{"kind":"all"}"#),
            (
                .tag(try TagSelection(tags: ["lobby", "Floor 2"], match: .all)),
                #"{"kind":"tag","match":"all","tags":["Floor 2","lobby"]}"#
            ),
        ]
        for (target, json) in cases {
            #expect(String(decoding: try JSONCoding.encoder().encode(target), as: UTF8.self) == json)
            #expect(try JSONDecoder().decode(ActionTarget.self, from: Data(json.utf8)) == target)
            // The hand-written envelope encoding gives the same bytes.
            var writer = JSONWriter()
            target.write(to: &writer)
            #expect(String(decoding: writer.bytes, as: UTF8.self) == json)
        }
    }

    @Test func aTagTargetMatchesAnyByDefaultTrimsAndDeduplicates() throws {
        let json = #"{"kind":"tag","tags":[" lobby ","lobby","hall"]}"#
        let target = try JSONDecoder().decode(ActionTarget.self, from: Data(json.utf8))
        #expect(target == .tag(try TagSelection(tags: ["hall", "lobby"], match: .any)))
    }

    @Test func aSelectionSelectsByAnyOrAllOfItsTags() throws {
        let any = try TagSelection(tags: ["lobby", "hall"], match: .any)
        let all = try TagSelection(tags: ["lobby", "hall"], match: .all)
        #expect(any.selects(["hall"]) && !any.selects(["kitchen"]) && !any.selects([]))
        #expect(all.selects(["hall", "lobby", "x"]) && !all.selects(["hall"]))
        // Any: one publish per tag; all: the first tag's topic only, the devices check the rest.
        #expect(
            Topics.standard.commandTopics(for: .tag(any))
                == ["hookcast/v1/tags/hall/commands", "hookcast/v1/tags/lobby/commands"])
        #expect(Topics.standard.commandTopics(for: .tag(all)) == ["hookcast/v1/tags/hall/commands"])
    }

    @Test func tagLevelsPercentEncodeAllButUnreservedCharacters() {
        #expect(DeviceTags.topicLevel("lobby-1_a.b~c") == "lobby-1_a.b~c")
        #expect(DeviceTags.topicLevel("Floor 2/+#") == "Floor%202%2F%2B%23")
        #expect(DeviceTags.topicLevel("café") == "caf%C3%A9")
        #expect(DeviceTags.isTopicLevel("caf%C3%A9") && DeviceTags.isTopicLevel("a"))
        #expect(!DeviceTags.isTopicLevel("a+b") && !DeviceTags.isTopicLevel("a%2") && !DeviceTags.isTopicLevel("%c3"))
        #expect(!DeviceTags.isTopicLevel("") && !DeviceTags.isTopicLevel("a/b") && !DeviceTags.isTopicLevel("#"))
    }

    @Test(arguments: [
        (#"{"kind":"planet"}"#, "target.kind"),
        (#"{"id":"d1"}"#, "target.kind"),
        (#"{"kind":7}"#, "target.kind"),
        (#"{"kind":"device"}"#, "target.id"),
        (#"{"kind":"group","id":5}"#, "target.id"),
        (#"{"kind":"device","id":"a/b"}"#, "target.id"),
        (#"{"kind":"group","id":""}"#, "target.id"),
        (#"{"kind":"tag"}"#, "target.tags"),
        (#"{"kind":"tag","tags":[]}"#, "target.tags"),
        (#"{"kind":"tag","tags":["a\u0007"]}"#, "target.tags"),
        (#"{"kind":"tag","tags":["a"],"match":"some"}"#, "target.match"),
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
        #expect(
            throws: ValidationError(field: "target.kind", message: "must be one of 'device', 'group', 'all' or 'tag'")
        ) {
            try JSONDecoder().decode(Body.self, from: Data(#"{"target":{"kind":"x"}}"#.utf8))
        }
    }
}
