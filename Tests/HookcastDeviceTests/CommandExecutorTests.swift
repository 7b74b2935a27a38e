import Foundation
import HookcastDevice
import HookcastProtocol
import Testing

@Suite("CommandExecutor applies each function to the player state")
struct CommandExecutorTests {
    let executor = CommandExecutor()
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func apply(_ envelope: CommandEnvelope, to state: inout PlayerState) -> CommandOutcome {
        executor.apply(envelope, to: &state, now: now)
    }

    @Test("load_url shows the URL and counts the command")
    func loadURL() throws {
        var state = PlayerState()
        let outcome = apply(try Fixtures.envelope(.loadURL, params: .init(url: "https://example.com/a")), to: &state)
        #expect(outcome == .ok)
        #expect(state.currentURL == "https://example.com/a")
        #expect(state.commandsExecuted == 1)
        #expect(state.lastCommandAt == now)
    }

    @Test("load_url without a url fails and changes nothing")
    func loadURLWithoutURL() throws {
        var state = PlayerState()
        #expect(apply(try Fixtures.envelope(.loadURL), to: &state) == .failed("url missing"))
        #expect(state == PlayerState())
    }

    @Test("emergency on shows the message and keeps its start time; off clears it")
    func emergency() throws {
        var state = PlayerState()
        _ = apply(try Fixtures.envelope(.emergency, params: .init(state: .on, message: "Leave")), to: &state)
        #expect(state.emergency == .init(active: true, message: "Leave", since: now))
        _ = executor.apply(
            try Fixtures.envelope(.emergency, params: .init(state: .on, message: "Now")), to: &state,
            now: now.addingTimeInterval(5))
        #expect(state.emergency == .init(active: true, message: "Now", since: now))
        _ = apply(try Fixtures.envelope(.emergency, params: .init(state: .off)), to: &state)
        #expect(state.emergency.active == false)
        #expect(state.emergency.message == nil)
        #expect(state.commandsExecuted == 3)
    }

    @Test("refresh_datasource counts refreshes and remembers the datasource")
    func refreshDatasource() throws {
        var state = PlayerState()
        _ = apply(try Fixtures.envelope(.refreshDatasource, params: .init(datasourceID: "ds-7")), to: &state)
        _ = apply(try Fixtures.envelope(.refreshDatasource), to: &state)
        #expect(state.datasourceRefreshes == .init(count: 2, lastAt: now))
        #expect(state.lastDatasourceID == nil)
    }

    @Test("pause_loop and resume_loop toggle the loop")
    func pauseAndResume() throws {
        var state = PlayerState()
        _ = apply(try Fixtures.envelope(.pauseLoop, params: .init(loopID: "main")), to: &state)
        #expect(state.loopPaused && state.pausedLoopID == "main")
        _ = apply(try Fixtures.envelope(.resumeLoop), to: &state)
        #expect(!state.loopPaused && state.pausedLoopID == nil)
    }

    @Test("refresh_content counts refreshes; restart_device counts restarts")
    func refreshAndRestart() throws {
        var state = PlayerState()
        _ = apply(try Fixtures.envelope(.refreshContent), to: &state)
        _ = apply(try Fixtures.envelope(.restartDevice), to: &state)
        #expect(state.contentRefreshes == .init(count: 1, lastAt: now))
        #expect(state.restarts == 1)
        #expect(state.commandsExecuted == 2)
    }

    @Test("send_sensor_event appends the event; without sensor data it fails")
    func sensorEvent() throws {
        var state = PlayerState()
        let data = SensorData(id: "door-3", event: "opened", value: .string("1"))
        #expect(apply(try Fixtures.envelope(.sendSensorEvent, sensorData: data), to: &state) == .ok)
        #expect(state.recentSensorEvents == [data])
        #expect(apply(try Fixtures.envelope(.sendSensorEvent), to: &state) == .failed("sensor_data missing"))
        #expect(state.recentSensorEvents == [data])
        #expect(state.commandsExecuted == 1)
    }

    @Test("The sensor history keeps the newest 50 events, newest last")
    func boundedSensorHistory() throws {
        var state = PlayerState()
        for index in 1...60 {
            let data = SensorData(id: "s", event: "e\(index)", value: .number(Double(index)))
            _ = apply(try Fixtures.envelope(.sendSensorEvent, sensorData: data), to: &state)
        }
        #expect(state.recentSensorEvents.count == PlayerState.maxSensorEvents)
        #expect(state.recentSensorEvents.first?.event == "e11")
        #expect(state.recentSensorEvents.last?.event == "e60")
    }

    @Test("show_toast shows the message at its level for its duration, 10 s when none is given")
    func showToast() throws {
        var state = PlayerState()
        let critical = try Fixtures.envelope(
            .showToast, params: .init(message: "Gas leak", durationSeconds: 90, level: .critical))
        #expect(apply(critical, to: &state) == .ok)
        #expect(state.toast == PlayerState.Toast(message: "Gas leak", level: .critical, until: now + 90))
        #expect(apply(try Fixtures.envelope(.showToast, params: .init(message: "Lunch")), to: &state) == .ok)
        #expect(state.toast == PlayerState.Toast(message: "Lunch", level: .info, until: now + 10))
        #expect(state.nextExpiry == now + 10)
        #expect(state.reported.toast == ReportedDeviceState.Toast(message: "Lunch", level: .info, until: now + 10))
        let early = state.expire(at: now + 9.999)
        #expect(!early)
        let due = state.expire(at: now + 10)
        #expect(due)
        #expect(state.toast == nil)
    }

    @Test("show_toast with parameters the gateway would refuse fails and changes nothing")
    func showToastRefused() throws {
        for params in [ActionParameters(), ActionParameters(message: "m", durationSeconds: 0)] {
            var state = PlayerState()
            let outcome = apply(try Fixtures.envelope(.showToast, params: params), to: &state)
            #expect(outcome.status == .failed)
            #expect(outcome.detail?.hasPrefix("params refused: params.") == true, "\(outcome)")
            #expect(state == PlayerState())
        }
    }

    @Test("snooze_device turns the screen off until woken, for a while, or until a time; wake_device ends it")
    func snoozeAndWake() throws {
        var state = PlayerState()
        #expect(apply(try Fixtures.envelope(.snoozeDevice), to: &state) == .ok)
        #expect(state.snooze == PlayerState.Snooze(since: now, until: nil))
        #expect(state.nextExpiry == nil)
        let untilWoken = state.expire(at: now + 86_400)
        #expect(!untilWoken)

        // Snoozed again: off since the first time, until the new end.
        let until = "2027-01-16T08:00:00.000Z"
        #expect(apply(try Fixtures.envelope(.snoozeDevice, params: .init(until: until)), to: &state) == .ok)
        #expect(state.snooze == PlayerState.Snooze(since: now, until: JSONCoding.date(fromTimestamp: until)))
        #expect(state.reported.snoozed?.until == JSONCoding.date(fromTimestamp: until))

        #expect(apply(try Fixtures.envelope(.wakeDevice), to: &state) == .ok)
        #expect(state.snooze == nil)
        #expect(apply(try Fixtures.envelope(.wakeDevice), to: &state) == .ok)

        #expect(apply(try Fixtures.envelope(.snoozeDevice, params: .init(durationSeconds: 60)), to: &state) == .ok)
        #expect(state.snooze?.until == now + 60)
        let timed = state.expire(at: now + 60)
        #expect(timed)
        #expect(state.snooze == nil)
    }

    @Test("A snooze until a time that has passed fails and the screen stays on")
    func snoozeUntilThePast() throws {
        var state = PlayerState()
        let past = JSONCoding.timestamp(now - 1)
        #expect(
            apply(try Fixtures.envelope(.snoozeDevice, params: .init(until: past)), to: &state)
                == .failed("until has passed: the screen stays on"))
        #expect(state == PlayerState())
    }

    @Test("The state encodes with snake_case keys and ISO timestamps and decodes back")
    func stateCoding() throws {
        var state = PlayerState()
        _ = apply(try Fixtures.envelope(.loadURL, params: .init(url: "https://example.com/x")), to: &state)
        let data = try DeviceJSON.encoder().encode(state)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains(#""current_url":"https://example.com/x""#))
        #expect(text.contains(#""last_command_at":"2027-01-15T08:00:00.000Z""#))
        #expect(try DeviceJSON.decoder().decode(PlayerState.self, from: data) == state)

        _ = apply(try Fixtures.envelope(.showToast, params: .init(message: "Hi", level: .warning)), to: &state)
        _ = apply(try Fixtures.envelope(.snoozeDevice), to: &state)
        let screen = try DeviceJSON.encoder().encode(state)
        #expect(try DeviceJSON.decoder().decode(PlayerState.self, from: screen) == state)
        // A state file written before toasts and snoozes existed still loads.
        #expect(try DeviceJSON.decoder().decode(PlayerState.self, from: data).toast == nil)
    }
}
