import Foundation
import Testing

@testable import HookcastProtocol

@Suite struct ActionParametersTests {
    @Test func eachFunctionAcceptsItsOwnParameters() throws {
        let valid: [(ActionFunction, ActionParameters)] = [
            (.loadURL, ActionParameters(url: "https://example.com/a?b=c#d")),
            (.emergency, ActionParameters(state: .on, message: "Evacuate")),
            (.emergency, ActionParameters(state: .off)),
            (.refreshDatasource, ActionParameters(datasourceID: "weather")),
            (.refreshDatasource, ActionParameters()),
            (.pauseLoop, ActionParameters(loopID: "main")),
            (.resumeLoop, ActionParameters()),
            (.sendSensorEvent, ActionParameters()),
            (.refreshContent, ActionParameters()),
            (.restartDevice, ActionParameters()),
            (.showToast, ActionParameters(message: "Lunch is served")),
            (.showToast, ActionParameters(message: "Fire drill", durationSeconds: 86_400, level: .critical)),
            (.snoozeDevice, ActionParameters()),
            (.snoozeDevice, ActionParameters(durationSeconds: 1)),
            (.snoozeDevice, ActionParameters(until: "2026-12-06T18:00:00.000Z")),
            (.wakeDevice, ActionParameters()),
            (.cancelCommand, ActionParameters(commandID: "019aef3c-1e0a-7c3d-8b1a-2f4e5d6c7b8a")),
        ]
        for (function, params) in valid {
            #expect(try params.validated(for: function) == params, "\(function)")
        }
    }

    @Test func requiredFieldsAreNamed() {
        #expect(throws: ValidationError(field: "params.url", message: "is required for the load_url function")) {
            try ActionParameters().validated(for: .loadURL)
        }
        #expect(throws: ValidationError(field: "params.state", message: "is required for the emergency function")) {
            try ActionParameters(message: "hi").validated(for: .emergency)
        }
    }

    @Test(arguments: [
        (ActionFunction.restartDevice, ActionParameters(url: "https://example.com"), "params.url"),
        (.refreshContent, ActionParameters(state: .on), "params.state"),
        (.sendSensorEvent, ActionParameters(message: "x"), "params.message"),
        (.loadURL, ActionParameters(url: "https://example.com", loopID: "l"), "params.loop_id"),
        (.emergency, ActionParameters(state: .on, datasourceID: "d"), "params.datasource_id"),
        (.pauseLoop, ActionParameters(datasourceID: "d"), "params.datasource_id"),
        (.refreshDatasource, ActionParameters(loopID: "l"), "params.loop_id"),
        (.emergency, ActionParameters(state: .on, level: .warning), "params.level"),
        (.showToast, ActionParameters(message: "m", until: "2026-12-06T18:00:00.000Z"), "params.until"),
        (.snoozeDevice, ActionParameters(message: "m"), "params.message"),
        (.wakeDevice, ActionParameters(durationSeconds: 5), "params.duration_seconds"),
        (.loadURL, ActionParameters(url: "https://example.com", commandID: "x"), "params.command_id"),
    ])
    func fieldsOfOtherFunctionsAreRejected(function: ActionFunction, params: ActionParameters, field: String) {
        #expect(throws: ValidationError(field: field, message: "is not used by the \(function.rawValue) function")) {
            try params.validated(for: function)
        }
    }

    @Test(arguments: [
        "javascript:alert(1)", "ftp://example.com/file", "http://", "http:///path", "example.com", "not a url",
        "file:///etc/passwd", "data:text/html,hi", "https://example.com/" + String(repeating: "a", count: 2040),
    ])
    func loadURLRejectsNonWebURLs(url: String) {
        #expect(throws: ValidationError.self) { try ActionParameters(url: url).validated(for: .loadURL) }
    }

    @Test func loadURLAcceptsUppercaseSchemesAndTheMaximumLength() throws {
        let longest = "https://example.com/" + String(repeating: "a", count: 2048 - 20)
        #expect(longest.count == 2048)
        #expect(try ActionParameters(url: longest).validated(for: .loadURL).url == longest)
        #expect(try ActionParameters(url: "HTTP://Example.com").validated(for: .loadURL).url == "HTTP://Example.com")
    }

    @Test func emergencyMessageIsLimitedTo500Characters() throws {
        #expect(throws: ValidationError.self) {
            try ActionParameters(state: .on, message: String(repeating: "m", count: 501)).validated(for: .emergency)
        }
        _ = try ActionParameters(state: .on, message: String(repeating: "m", count: 500)).validated(for: .emergency)
    }

    @Test func aToastNeedsAMessageOfAtMost500CharactersAndADurationUpToADay() throws {
        let cases: [(ActionParameters, ValidationError)] = [
            (
                ActionParameters(),
                ValidationError(field: "params.message", message: "is required for the show_toast function")
            ),
            (ActionParameters(message: " \n"), ValidationError(field: "params.message", message: "must not be empty")),
            (
                ActionParameters(message: String(repeating: "m", count: 501)),
                ValidationError(field: "params.message", message: "must be at most 500 characters")
            ),
        ]
        for (params, error) in cases {
            #expect(throws: error) { try params.validated(for: .showToast) }
        }
        for seconds in [0, -1, 86_401] {
            let error = #expect(throws: ValidationError.self) {
                try ActionParameters(message: "m", durationSeconds: seconds).validated(for: .showToast)
            }
            #expect(error?.field == "params.duration_seconds")
        }
        _ = try ActionParameters(message: String(repeating: "m", count: 500)).validated(for: .showToast)
    }

    @Test func anEmergencyOnMayEndByItselfWithinAWeek() throws {
        _ = try ActionParameters(state: .on, durationSeconds: 604_800).validated(for: .emergency)
        for seconds in [0, 604_801] {
            let error = #expect(throws: ValidationError.self) {
                try ActionParameters(state: .on, durationSeconds: seconds).validated(for: .emergency)
            }
            #expect(error?.field == "params.duration_seconds")
        }
        #expect(throws: ValidationError(field: "params.duration_seconds", message: "is used only with state on")) {
            try ActionParameters(state: .off, durationSeconds: 60).validated(for: .emergency)
        }
    }

    @Test func aSnoozeEndsAtOneTimeStoredInUTCWithMilliseconds() throws {
        let normalized = try ActionParameters(until: "2026-12-06T20:00:00+02:00").validated(for: .snoozeDevice)
        #expect(normalized.until == "2026-12-06T18:00:00.000Z")
        #expect(
            try ActionParameters(until: "2026-12-06T18:00:00Z").validated(for: .snoozeDevice).until
                == "2026-12-06T18:00:00.000Z")
        for until in ["tomorrow", "2026-13-01T00:00:00Z", ""] {
            let error = #expect(throws: ValidationError.self) {
                try ActionParameters(until: until).validated(for: .snoozeDevice)
            }
            #expect(error?.field == "params.until")
        }
        #expect(throws: ValidationError(field: "params.until", message: "cannot be given with duration_seconds")) {
            try ActionParameters(durationSeconds: 60, until: "2026-12-06T18:00:00Z").validated(for: .snoozeDevice)
        }
    }

    @Test func aCancelNamesACommandByItsID() {
        #expect(
            throws: ValidationError(field: "params.command_id", message: "is required for the cancel_command function")
        ) {
            try ActionParameters().validated(for: .cancelCommand)
        }
        #expect(throws: ValidationError(field: "params.command_id", message: "must be a command's id (a UUID)")) {
            try ActionParameters(commandID: "yesterday's").validated(for: .cancelCommand)
        }
    }

    @Test func emptyReferencesAreRejected() {
        #expect(throws: ValidationError.self) { try ActionParameters(loopID: " ").validated(for: .pauseLoop) }
        #expect(throws: ValidationError.self) {
            try ActionParameters(datasourceID: "").validated(for: .refreshDatasource)
        }
    }

    @Test func jsonUsesSnakeCaseAndOmitsAbsentFields() throws {
        let params = ActionParameters(datasourceID: "ds", loopID: "lp")
        let json = String(decoding: try JSONCoding.encoder().encode(params), as: UTF8.self)
        #expect(json == #"{"datasource_id":"ds","loop_id":"lp"}"#)
        let decoded = try JSONDecoder().decode(
            ActionParameters.self,
            from: Data(#"{"state":"off","message":"m"}"#.utf8)
        )
        #expect(decoded == ActionParameters(state: .off, message: "m"))
        let toast = ActionParameters(message: "m", durationSeconds: 30, level: .warning)
        #expect(
            String(decoding: try JSONCoding.encoder().encode(toast), as: UTF8.self)
                == #"{"duration_seconds":30,"level":"warning","message":"m"}"#)
    }

    @Test func functionRawValuesAreSnakeCase() {
        #expect(
            ActionFunction.allCases.map(\.rawValue) == [
                "load_url", "emergency", "refresh_datasource", "pause_loop", "resume_loop", "send_sensor_event",
                "refresh_content", "restart_device", "show_toast", "snooze_device", "wake_device", "cancel_command",
            ]
        )
    }
}
