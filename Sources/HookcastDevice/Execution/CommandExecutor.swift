import Foundation
import HookcastProtocol

/// Applies a command to a `PlayerState`: what a signage player would do, without side effects, so every function
/// is tested without a broker or a screen.
public struct CommandExecutor: Sendable {
    public typealias Outcome = CommandOutcome

    public init() {}

    /// Changes `state` as `envelope` asks. A command whose parameters do not fit its function (the gateway validates
    /// them, but the device trusts no one) fails and leaves `state` alone.
    public func apply(_ envelope: CommandEnvelope, to state: inout PlayerState, now: Date) -> Outcome {
        let params = envelope.params
        switch envelope.function {
        case .loadURL:
            guard let url = params.url, !url.isEmpty else { return .failed("url missing") }
            // The gateway checks this too; a device on a shared broker cannot count on every publisher doing so.
            do {
                try ActionParameters.validateURL(url)
            } catch {
                return .failed("url refused: \(error.description)")
            }
            state.currentURL = url
        case .emergency:
            guard let emergency = params.state else { return .failed("state missing") }
            switch emergency {
            case .on:
                // A repeated "on" updates the text but keeps the time the emergency began.
                let since = state.emergency.active ? state.emergency.since : now
                state.emergency = PlayerState.EmergencyStatus(active: true, message: params.message, since: since)
            case .off:
                state.emergency = PlayerState.EmergencyStatus(active: false, message: nil, since: now)
            }
        case .refreshDatasource:
            state.datasourceRefreshes.record(at: now)
            state.lastDatasourceID = params.datasourceID
        case .pauseLoop:
            state.loopPaused = true
            state.pausedLoopID = params.loopID
        case .resumeLoop:
            state.loopPaused = false
            state.pausedLoopID = nil
        case .sendSensorEvent:
            guard let sensorData = envelope.sensorData else { return .failed("sensor_data missing") }
            state.recordSensorEvent(sensorData)
        case .refreshContent:
            state.contentRefreshes.record(at: now)
        case .restartDevice:
            state.restarts += 1
        case .showToast, .snoozeDevice, .wakeDevice:
            if let refused = applyScreen(envelope.function, params, to: &state, now: now) { return refused }
        case .cancelCommand:
            // Not a change to the player: the agent answers it from what it has run (`DeviceAgent+Cancel`).
            return .failed("cancel_command changes nothing on the player")
        }
        state.commandsExecuted += 1
        state.lastCommandAt = now
        return .ok
    }

    /// `show_toast`, `snooze_device` and `wake_device`; nil when applied, else the failure. The parameters are
    /// checked as the gateway checks them: a device cannot count on every publisher doing so.
    private func applyScreen(
        _ function: ActionFunction, _ params: ActionParameters, to state: inout PlayerState, now: Date
    ) -> Outcome? {
        let checked: ActionParameters
        do {
            checked = try params.validated(for: function)
        } catch {
            return .failed("params refused: \(error.field) \(error.message)")
        }
        switch function {
        case .showToast:
            let seconds = checked.durationSeconds ?? ActionParameters.defaultToastSeconds
            state.toast = PlayerState.Toast(
                message: checked.message ?? "", level: checked.level ?? .info,
                until: now.addingTimeInterval(TimeInterval(seconds)))
        case .snoozeDevice:
            var until = checked.durationSeconds.map { now.addingTimeInterval(TimeInterval($0)) }
            if let text = checked.until {
                guard let end = try? ActionParameters.snoozeEnd(text), end > now else {
                    return .failed("until has passed: the screen stays on")
                }
                until = end
            }
            // Snoozed again: off since the first snooze, until the new end.
            state.snooze = PlayerState.Snooze(since: state.snooze?.since ?? now, until: until)
        default:
            state.snooze = nil
        }
        return nil
    }
}
