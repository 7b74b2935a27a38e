import HookcastProtocol

extension PlayerState {
    /// The part of the state the device reports in its presence (docs/protocol.md, "Presence"): what it shows, not
    /// its counters or the sensor events it holds, so the message stays small.
    public var reported: ReportedDeviceState {
        ReportedDeviceState(
            currentURL: currentURL,
            emergency: ReportedDeviceState.Emergency(active: emergency.active, message: emergency.message),
            loopPaused: loopPaused, pausedLoopID: pausedLoopID, lastCommandAt: lastCommandAt,
            commandsExecuted: commandsExecuted,
            toast: toast, snoozed: snooze)
    }
}
