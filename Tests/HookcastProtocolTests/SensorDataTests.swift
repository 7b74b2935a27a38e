import Foundation
import Testing

@testable import HookcastProtocol

@Suite struct SensorDataTests {
    private func json(_ text: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    @Test func parsesAnObject() throws {
        let data = try SensorData.parse(json(#"{"id":"s1","event":"temp","value":{"c":21.5}}"#))
        #expect(data == SensorData(id: "s1", event: "temp", value: .object(["c": .number(21.5)])))
    }

    @Test func parsesAStringHoldingAnObject() throws {
        let data = try SensorData.parse(.string(#"{"id":"s1","event":"door","value":"open"}"#))
        #expect(data == SensorData(id: "s1", event: "door", value: .string("open")))
    }

    @Test func turnsNumericIDsAndEventsIntoStrings() throws {
        let data = try SensorData.parse(json(#"{"id":12,"event":3.5,"value":true}"#))
        #expect(data.id == "12")
        #expect(data.event == "3.5")
        #expect(data.value == .bool(true))
    }

    @Test func aMissingValueIsNull() throws {
        #expect(try SensorData.parse(json(#"{"id":"a","event":"b"}"#)).value == .null)
    }

    @Test(arguments: [
        (#"{"event":"e","value":1}"#, "sensor_data.id"),
        (#"{"id":"s","value":1}"#, "sensor_data.event"),
        (#"{"id":"","event":"e"}"#, "sensor_data.id"),
        (#"{"id":true,"event":"e"}"#, "sensor_data.id"),
        (#"{"id":"s","event":["e"]}"#, "sensor_data.event"),
        (#"[1,2]"#, "sensor_data"),
        (#"42"#, "sensor_data"),
        (#""not json""#, "sensor_data"),
        (#""[1]""#, "sensor_data"),
    ])
    func rejectsMissingOrWrongFields(text: String, field: String) throws {
        let value = try json(text)
        do {
            _ = try SensorData.parse(value)
            Issue.record("expected an error for \(text)")
        } catch {
            #expect(error.field == field)
        }
    }

    @Test func decodesLenientlyInsideARequestBody() throws {
        struct Body: Decodable {
            var sensorData: SensorData?
            enum CodingKeys: String, CodingKey { case sensorData = "sensor_data" }
        }
        let body = try JSONDecoder().decode(
            Body.self,
            from: Data(#"{"sensor_data":"{\"id\":1,\"event\":\"e\",\"value\":null}"}"#.utf8)
        )
        #expect(body.sensorData == SensorData(id: "1", event: "e", value: .null))
        #expect(throws: ValidationError.self) {
            try JSONDecoder().decode(Body.self, from: Data(#"{"sensor_data":{"id":"x"}}"#.utf8))
        }
    }

    @Test func jsonValueRoundTripsAndWritesNonFiniteNumbersAsNull() throws {
        let value = JSONValue.object([
            "a": .array([.null, .bool(false), .number(1.5), .string("s")]), "b": .object([:]),
        ])
        #expect(try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value)) == value)
        #expect(String(decoding: try JSONEncoder().encode(JSONValue.number(.nan)), as: UTF8.self) == "null")
    }
}
