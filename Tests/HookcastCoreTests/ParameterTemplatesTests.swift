import Foundation
import HookcastProtocol
import Testing

@testable import HookcastCore

/// Values from the call: an action's templated parameters, checked when the action is saved and filled from each
/// webhook's body, where a missing or unfit value is an error naming the body's field.
@Suite("Parameter templates filled from the webhook's body")
struct ParameterTemplatesTests {
    static func action(
        _ function: ActionFunction, _ params: JSONValue
    ) throws(ValidationError) -> Action {
        let (literal, templates) = try ParameterTemplates.split(params)
        return try Action(
            eventID: try EventID("e"), name: "e", function: function, params: ActionParameters.decoded(from: literal),
            templates: templates, target: .all, createdAt: referenceDate, updatedAt: referenceDate
        ).validated()
    }

    @Test("Strings with {{ are templates; the rest are literal parameters")
    func split() throws {
        let (literal, templates) = try ParameterTemplates.split(
            .object(["message": .string("Door {{sensor_data.id}} open"), "level": .string("warning")]))
        #expect(literal == .object(["level": .string("warning")]))
        #expect(templates == ParameterTemplates(["message": "Door {{sensor_data.id}} open"]))
        #expect(try ParameterTemplates.split(nil).templates.isEmpty)
    }

    @Test(
        "A template that is not one is refused naming the parameter",
        arguments: ["{{message", "{{}}", "{{a..b}}", "{{1st}}", "{{a.b.c.d.e}}", "{{a-b}}", "{{é}}"])
    func malformed(template: String) {
        let error = #expect(throws: ValidationError.self) {
            try ParameterTemplates.split(.object(["message": .string(template)]))
        }
        #expect(error?.field == "params.message")
    }

    @Test("An action is checked with stand-ins: a template fills a required field, not another function's")
    func checkedWhenSaved() throws {
        let toast = try Self.action(
            .showToast, .object(["message": .string("{{message}}"), "duration_seconds": .string("{{seconds}}")]))
        #expect(toast.templates.byParameter.count == 2)
        #expect(toast.params == ActionParameters())
        let other = #expect(throws: ValidationError.self) {
            try Self.action(.loadURL, .object(["url": .string("{{url}}"), "message": .string("{{m}}")]))
        }
        #expect(other?.field == "params.message")
        let unknown = #expect(throws: ValidationError.self) {
            try Self.action(.loadURL, .object(["url": .string("{{url}}"), "colour": .string("{{c}}")]))
        }
        #expect(unknown?.field == "params.colour")
        // A literal that fails is still refused when another parameter is templated.
        let literal = #expect(throws: ValidationError.self) {
            try Self.action(.showToast, .object(["message": .string("{{m}}"), "duration_seconds": .number(0)]))
        }
        #expect(literal?.field == "params.duration_seconds")
    }

    @Test("Filled from the body: one placeholder keeps the value's type; text around placeholders makes text")
    func filled() throws {
        let toast = try Self.action(
            .showToast,
            .object([
                "message": .string("Door {{sensor_data.id}}: {{sensor_data.value}} ({{count}}, {{urgent}})"),
                "duration_seconds": .string("{{seconds}}"), "level": .string("{{level}}"),
            ]))
        let body: [String: JSONValue] = [
            "sensor_data": .object(["id": .string("front"), "event": .string("opened"), "value": .number(2.5)]),
            "count": .number(3), "urgent": .bool(true), "seconds": .number(45), "level": .string("critical"),
        ]
        let filled = try toast.filled(from: body)
        #expect(
            filled.params
                == ActionParameters(message: "Door front: 2.5 (3, true)", durationSeconds: 45, level: .critical))
        #expect(filled.templates.isEmpty)
        // The older sensor_data form, a string holding the object, and a number sent as text.
        let older = try toast.filled(
            from: body.merging(
                ["sensor_data": .string(#"{"id":"back","value":"x"}"#), "seconds": .string("60")]) { $1 })
        #expect(older.params.message == "Door back: x (3, true)")
        #expect(older.params.durationSeconds == 60)
    }

    @Test("A missing or unfit value is an error naming the body's field, or the parameter when several fill it")
    func unfit() throws {
        let show = try Self.action(.loadURL, .object(["url": .string("{{link}}")]))
        let cases: [([String: JSONValue], String, String)] = [
            ([:], "link", "is missing: the action fills params.url from it"),
            (["link": .null], "link", "is missing: the action fills params.url from it"),
            (
                ["link": .object([:])], "link",
                "must be text, a number or true/false: the action fills params.url from it"
            ),
            (["link": .string("javascript:alert(1)")], "link", "fills params.url, which must be an http or https URL"),
        ]
        for (body, field, message) in cases {
            let error = #expect(throws: ValidationError.self) { try show.filled(from: body) }
            #expect(error?.field == field)
            #expect(error?.message.hasPrefix(message) == true, "\(error?.message ?? "")")
        }
        let joined = try Self.action(.loadURL, .object(["url": .string("{{scheme}}://{{host}}/")]))
        #expect(
            try joined.filled(from: ["scheme": .string("https"), "host": .string("example.com")]).params.url
                == "https://example.com/")
        let error = #expect(throws: ValidationError.self) {
            try joined.filled(from: ["scheme": .string("ftp"), "host": .string("example.com")])
        }
        #expect(error?.field == "params.url")
        let toast = try Self.action(
            .showToast, .object(["message": .string("hi"), "duration_seconds": .string("{{s}}")]))
        let wrongType = #expect(throws: ValidationError.self) { try toast.filled(from: ["s": .string("soon")]) }
        #expect(wrongType?.field == "s")
    }

    @Test("The admin API shows the templates among the literal parameters, and reads them back")
    func shown() throws {
        let toast = try Self.action(.showToast, .object(["message": .string("{{message}}"), "level": .string("info")]))
        guard case .object(let fields) = JSONValue(encoding: toast) else {
            Issue.record("not an object")
            return
        }
        #expect(fields["params"] == .object(["message": .string("{{message}}"), "level": .string("info")]))
        let decoded = try JSONCoding.decoder().decode(Action.self, from: JSONCoding.encoder().encode(toast))
        #expect(decoded == toast)
    }
}

/// Templates are kept by every store, and cleared by an update without them.
@Suite("Parameter templates in every store")
struct ParameterTemplatesStoreTests {
    @Test(arguments: StoreKind.allCases)
    func keptAndCleared(kind: StoreKind) async throws {
        try await kind.withStore { store in
            var toast = try ParameterTemplatesTests.action(
                .showToast, .object(["message": .string("{{message}}"), "level": .string("warning")]))
            try await store.actions.insert(toast)
            #expect(try await store.actions.find(eventID: toast.eventID) == toast)
            toast.templates = ParameterTemplates()
            toast.params.message = "fixed"
            try await store.actions.update(toast)
            #expect(try await store.actions.all() == [toast])
        }
    }
}
