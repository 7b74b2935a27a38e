import Foundation
import HookcastProtocol
import Testing

@testable import HookcastCore

/// Actions with several steps and the commands of one call of them, in every store; and tag selections read from
/// the devices' tags.
@Suite("Steps and tags in the stores")
struct ActionStepsStoreTests {
    @Test(arguments: StoreKind.allCases)
    func stepsRoundTrip(kind: StoreKind) async throws {
        try await kind.withStore { store in
            var action = try makeAction("lobby-alarm")
            action.moreSteps = [
                ActionStep(
                    function: .showToast, params: ActionParameters(durationSeconds: 30, level: .critical),
                    templates: ParameterTemplates(["message": "Door {{sensor_data.id}}"]),
                    target: .tag(try TagSelection(tags: ["lobby", "Floor 2"], match: .all))),
                ActionStep(function: .refreshContent, target: .group(try GroupID("screens"))),
            ]
            try await store.actions.insert(action)
            #expect(try await store.actions.find(eventID: action.eventID) == action)
            action.moreSteps.removeLast()
            try await store.actions.update(action)
            #expect(try await store.actions.find(eventID: action.eventID)?.moreSteps.count == 1)
            action.moreSteps = []
            try await store.actions.update(action)
            #expect(try await store.actions.find(eventID: action.eventID) == action)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aCallsCommandsShareItsTrigger(kind: StoreKind) async throws {
        try await kind.withStore { store in
            var first = try makeCommand()
            var second = try makeCommand(target: .tag(try TagSelection(tags: ["lobby"])))
            first.step = TriggerStep(triggerID: first.id, index: 0)
            second.step = TriggerStep(triggerID: first.id, index: 1)
            let record = IdempotencyRecord(
                apiKeyID: UUID(), key: "k1", fingerprint: "f", commandID: first.id, createdAt: referenceDate)
            #expect(try await store.commands.insert([first, second], idempotency: record) == .inserted)
            #expect(try await store.commands.find(triggerID: first.id) == [first, second])
            #expect(try await store.commands.find(id: second.id)?.step == second.step)
            #expect(try await store.commands.find(triggerID: UUID()).isEmpty)
            // The same key again stores nothing and names the first step's command.
            var third = try makeCommand()
            third.step = TriggerStep(triggerID: third.id, index: 0)
            guard case .existing(let earlier) = try await store.commands.insert([third], idempotency: record) else {
                Issue.record("the key was used before")
                return
            }
            #expect(earlier.commandID == first.id)
            #expect(try await store.commands.find(id: third.id) == nil)
            // A single-step command has no trigger.
            let single = try makeCommand()
            try await store.commands.insert(single)
            #expect(try await store.commands.find(id: single.id)?.step == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func tagSelectionsReadTheDevicesTags(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let tags: [String: [String]] = ["a1": ["lobby"], "a2": ["lobby", "Floor 2"], "a3": ["Floor 2"], "a4": []]
            for (id, deviceTags) in tags.sorted(by: { $0.key < $1.key }) {
                try await store.devices.insert(
                    Device(id: try DeviceID(id), name: id, tags: deviceTags, createdAt: referenceDate))
            }
            let any = try TagSelection(tags: ["lobby", "Floor 2"], match: .any)
            let all = try TagSelection(tags: ["lobby", "Floor 2"], match: .all)
            #expect(try await store.devices.ids(selectedBy: any).map(\.rawValue) == ["a1", "a2", "a3"])
            #expect(try await store.devices.ids(selectedBy: all).map(\.rawValue) == ["a2"])
            #expect(try await store.devices.ids(selectedBy: try TagSelection(tags: ["kitchen"])).isEmpty)
            let byDevice = try await store.devices.tagsByDevice()
            let a2 = try DeviceID("a2")
            #expect(byDevice.count == 3 && byDevice[a2] == ["lobby", "Floor 2"])
        }
    }
}
