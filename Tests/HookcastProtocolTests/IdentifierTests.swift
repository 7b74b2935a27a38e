import Foundation
import Testing

@testable import HookcastProtocol

@Suite struct IdentifierTests {
    static let invalidDeviceIDs = [
        "", String(repeating: "x", count: 65), "a+b", "a#b", "a/b", "a\u{0}b", "café", "a b", "a.b", "a:b", "😀", "a\n",
    ]

    @Test(arguments: ["a", "A-z_0", "device-01", String(repeating: "x", count: 64)])
    func deviceAndGroupIDsAcceptOneTo64AllowedCharacters(raw: String) throws {
        #expect(try DeviceID(raw).rawValue == raw)
        #expect(try GroupID(raw).rawValue == raw)
    }

    @Test(arguments: invalidDeviceIDs)
    func deviceAndGroupIDsRejectEmptyLongAndForeignCharacters(raw: String) {
        #expect(throws: ValidationError.self) { try DeviceID(raw) }
        #expect(throws: ValidationError.self) { try GroupID(raw) }
    }

    @Test func validationErrorNamesTheFieldInASentence() {
        #expect(
            throws: ValidationError(field: "id", message: "must be 1 to 64 characters of A-Z, a-z, 0-9, '_' or '-'")
        ) {
            try DeviceID("a/b")
        }
        #expect(
            throws: ValidationError(
                field: "device_id",
                message: "must be 1 to 64 characters of A-Z, a-z, 0-9, '_' or '-'"
            )
        ) {
            try DeviceID("", field: "device_id")
        }
        let error = ValidationError(field: "id", message: "must be short")
        #expect(error.description == "id must be short")
    }

    @Test(arguments: ["e", "door.open:front_1-a", String(repeating: "e", count: 128)])
    func eventIDsAllowDotsAndColonsUpTo128(raw: String) throws {
        #expect(try EventID(raw).rawValue == raw)
    }

    @Test(arguments: ["", String(repeating: "e", count: 129), "a/b", "a#b", "a+b", "a b", "ü", "a\u{0}"])
    func eventIDsRejectInvalid(raw: String) {
        #expect(throws: ValidationError.self) { try EventID(raw) }
    }

    @Test func eventIDErrorsNameEventIDByDefault() {
        do {
            _ = try EventID("")
            Issue.record("expected an error")
        } catch {
            #expect(error.field == "event_id")
        }
    }

    @Test func identifiersCodeAsPlainStringsAndValidateOnDecode() throws {
        struct Body: Codable { var device: DeviceID }
        let data = try JSONEncoder().encode(Body(device: try DeviceID("d1")))
        #expect(String(decoding: data, as: UTF8.self) == #"{"device":"d1"}"#)
        #expect(try JSONDecoder().decode(Body.self, from: data).device.rawValue == "d1")
        #expect(throws: ValidationError(field: "device", message: IdentifierRule.deviceOrGroup.message)) {
            try JSONDecoder().decode(Body.self, from: Data(#"{"device":"a/b"}"#.utf8))
        }
    }

    @Test func identifierErrorsInArraysNameTheIndex() {
        struct Body: Codable { var members: [DeviceID] }
        #expect(throws: ValidationError(field: "members[1]", message: IdentifierRule.deviceOrGroup.message)) {
            try JSONDecoder().decode(Body.self, from: Data(#"{"members":["ok","no#"]}"#.utf8))
        }
    }

    @Test func identifiersSortByRawValueAndDescribeAsRawValue() throws {
        let ids = try ["b", "a", "c"].map { try DeviceID($0) }
        #expect(ids.sorted().map(\.rawValue) == ["a", "b", "c"])
        #expect(try GroupID("g1").description == "g1")
        #expect("\(try EventID("e.1"))" == "e.1")
    }
}
