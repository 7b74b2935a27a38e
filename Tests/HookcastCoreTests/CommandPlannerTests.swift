import Foundation
import Testing

@testable import HookcastCore
@testable import HookcastProtocol

@Suite struct CommandPlannerTests {
    let planner = CommandPlanner()
    let registered: [DeviceID]

    init() throws {
        registered = try ["d3", "d1", "d2"].map { try DeviceID($0) }
    }

    private func plan(
        _ action: Action,
        sensorData: SensorData? = nil,
        groupMembers: [DeviceID]? = nil,
        apiKeyID: UUID? = nil,
        source: CommandSource = .webhook
    ) throws(PlanningError) -> Command {
        try planner.plan(
            action: action,
            sensorData: sensorData,
            registeredDevices: registered,
            groupMembers: groupMembers,
            now: referenceDate,
            apiKeyID: apiKeyID,
            source: source
        )
    }

    @Test func aDeviceTargetExpectsThatDevice() throws {
        let command = try plan(try makeAction(target: .device(try deviceID("d2"))))
        #expect(command.expectedDevices == [try deviceID("d2")])
        #expect(command.target == .device(try deviceID("d2")))
    }

    @Test func aGroupTargetExpectsItsMembers() throws {
        let members = [try deviceID("d2"), try deviceID("d1")]
        let command = try plan(try makeAction(target: .group(try groupID("g"))), groupMembers: members)
        #expect(command.expectedDevices.map(\.rawValue) == ["d1", "d2"])
    }

    @Test func anAllTargetExpectsEveryRegisteredDevice() throws {
        let command = try plan(try makeAction(target: .all))
        #expect(command.expectedDevices.map(\.rawValue) == ["d1", "d2", "d3"])
    }

    @Test func unknownTargetsAreRefused() throws {
        #expect(throws: PlanningError.targetDeviceUnknown(try deviceID("zz"))) {
            try plan(try makeAction(target: .device(try deviceID("zz"))))
        }
        #expect(throws: PlanningError.targetGroupUnknown(try groupID("g"))) {
            try plan(try makeAction(target: .group(try groupID("g"))), groupMembers: nil)
        }
    }

    @Test func aDisabledActionIsRefused() throws {
        #expect(throws: PlanningError.actionDisabled(try eventID("door-open"))) {
            try plan(try makeAction(enabled: false))
        }
    }

    @Test func sendSensorEventRequiresSensorData() throws {
        let action = try makeAction(function: .sendSensorEvent, params: ActionParameters())
        #expect(throws: PlanningError.sensorDataRequired(action.eventID)) { try plan(action) }
        let sensor = SensorData(id: "s", event: "e", value: .number(1))
        #expect(try plan(action, sensorData: sensor).sensorData == sensor)
    }

    @Test func otherFunctionsCarrySensorDataUnchanged() throws {
        let sensor = SensorData(id: "s", event: "e", value: .null)
        #expect(try plan(try makeAction(), sensorData: sensor).sensorData == sensor)
        #expect(try plan(try makeAction()).sensorData == nil)
    }

    @Test func theCommandExpiresTTLSecondsAfterIssue() throws {
        let keyID = UUID()
        let action = try makeAction(ttlSeconds: 90)
        let command = try plan(action, apiKeyID: keyID)
        #expect(command.issuedAt == referenceDate.roundedToMilliseconds)
        #expect(command.expiresAt == command.issuedAt.addingTimeInterval(90))
        #expect(command.apiKeyID == keyID)
        #expect(command.source == .webhook)
        #expect(command.actionName == action.name)
        #expect(command.function == action.function)
        #expect(command.params == action.params)
        #expect(command.publishedAt == nil)
        #expect(try plan(action, source: .test).source == .test)
    }

    @Test func planningAgainstAStoreReadsTheTarget() async throws {
        let store = InMemoryStore()
        for raw in ["d1", "d2"] {
            try await store.devices.insert(Device(id: try deviceID(raw), name: raw, createdAt: referenceDate))
        }
        try await store.groups.insert(
            DeviceGroup(id: try groupID("g"), name: "G", members: [try deviceID("d2")], createdAt: referenceDate)
        )
        func planned(_ target: ActionTarget) async throws -> [String] {
            try await planner.plan(
                action: try makeAction(target: target),
                sensorData: nil,
                store: store,
                now: referenceDate,
                apiKeyID: nil,
                source: .test
            ).expectedDevices.map(\.rawValue)
        }
        #expect(try await planned(.all) == ["d1", "d2"])
        #expect(try await planned(.group(try groupID("g"))) == ["d2"])
        #expect(try await planned(.device(try deviceID("d1"))) == ["d1"])
        await #expect(throws: PlanningError.self) { try await planned(.device(try deviceID("nope"))) }
        await #expect(throws: PlanningError.self) { try await planned(.group(try groupID("nope"))) }
    }
}
