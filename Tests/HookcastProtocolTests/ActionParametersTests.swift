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
    }

    @Test func functionRawValuesAreSnakeCase() {
        #expect(
            ActionFunction.allCases.map(\.rawValue) == [
                "load_url", "emergency", "refresh_datasource", "pause_loop", "resume_loop", "send_sensor_event",
                "refresh_content", "restart_device",
            ]
        )
    }
}
