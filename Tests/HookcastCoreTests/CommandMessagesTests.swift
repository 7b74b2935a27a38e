import Foundation
import HookcastCore
import HookcastProtocol
import Testing

/// The two messages the gateway derives from a stored command; their wire forms are tested in HookcastProtocolTests.
@Suite struct CommandMessagesTests {
    @Test func theEnvelopeCarriesTheCommandsDeviceFacingFields() throws {
        let sensor = SensorData(id: "s1", event: "temp", value: .number(21.5))
        let command = try makeCommand(target: .device(try deviceID("d1")), sensorData: sensor)
        let envelope = CommandEnvelope(command: command)
        #expect(
            envelope
                == CommandEnvelope(
                    id: command.id, function: command.function, params: command.params, eventID: command.eventID,
                    target: command.target, issuedAt: command.issuedAt, expiresAt: command.expiresAt,
                    sensorData: sensor))
        #expect(envelope.version == CommandEnvelope.currentVersion)
    }

    @Test func anEmergencyCommandLatchesItsTargetsState() throws {
        var command = try makeCommand(target: .group(try groupID("floor-2")))
        command.function = .emergency
        command.params = ActionParameters(state: .on, message: "Leave the building")
        let on = try #require(EmergencyStateMessage(command: command))
        #expect(on.scope == command.target)
        #expect(on.state == .on)
        #expect(on.message == "Leave the building")
        #expect(on.commandID == command.id)
        #expect(on.since == command.issuedAt)

        command.params = ActionParameters(state: .off, message: "ignored")
        let off = try #require(EmergencyStateMessage(command: command))
        #expect(off.state == .off)
        #expect(off.message == nil)
    }

    @Test func otherFunctionsLatchNothing() throws {
        #expect(EmergencyStateMessage(command: try makeCommand()) == nil)
    }
}
