import Foundation
import HookcastCore
import HookcastProtocol

extension Gateway {
    /// Ends the emergency holds of `commandIDs` (their duration passed, or their alert was cancelled or expired). A
    /// scope that keeps another hold shows it; a scope left with none gets an `emergency off` command of its own,
    /// delivered and acknowledged like any command, so what turned the screens off is on record. Returns the
    /// commands made.
    @discardableResult
    func endEmergencies(_ commandIDs: Set<UUID>, source: CommandSource) async -> [Command] {
        guard !commandIDs.isEmpty else { return [] }
        let released: (states: [EmergencyStateMessage], emptied: [EmergencyHold])
        do {
            released = try await emergency.release(commandIDs)
        } catch {
            logger.error("emergency holds not ended", metadata: ["error": "\(error)"])
            return []
        }
        await emergency.publish(released.states)
        var made: [Command] = []
        for hold in released.emptied {
            do {
                made += try await trigger(
                    action: try await offAction(ending: hold), sensorData: nil, apiKeyID: nil, source: source
                ).commands
            } catch {
                // The scope cannot be commanded (its group was deleted since): its state goes off all the same.
                logger.warning(
                    "emergency off not sent; state turned off",
                    metadata: ["scope": "\(hold.scope)", "error": "\(error)"])
                do {
                    await emergency.publish(try await emergency.turnOff(hold.scope, endedBy: hold.commandID))
                } catch {
                    logger.error("emergency state not turned off", metadata: ["error": "\(error)"])
                }
            }
        }
        return made
    }

    /// An `off` on the hold's scope under the event and name of the command that turned it on, so the commands
    /// list shows which emergency ended.
    private func offAction(ending hold: EmergencyHold) async throws -> Action {
        let origin = try await store.commands.find(id: hold.commandID)
        let now = Date()
        return Action(
            eventID: try origin?.eventID ?? EventID("emergency-ended"), name: origin?.actionName ?? "Emergency ended",
            function: .emergency, params: ActionParameters(state: .off), target: hold.scope, createdAt: now,
            updatedAt: now)
    }
}
