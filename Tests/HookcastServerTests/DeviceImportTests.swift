import Foundation
import HTTPTypes
import HookcastTestSupport
import Testing

@Suite("Registering a fleet in bulk")
struct DeviceImportTests {
    static func importFile(_ gateway: GatewayClient, _ body: String, contentType: String) async throws -> HTTPResult {
        try await gateway.request(
            .post, "/api/v1/devices/import",
            headers: [.authorization: "Bearer \(GatewayHarness.adminToken)", .contentType: contentType], body: body)
    }

    @Test("A JSON list creates devices and groups; importing it again changes nothing")
    func jsonIsIdempotent() async throws {
        try await InProcessGateway.run { gateway in
            let body = #"""
                [{"id":"bulk-1","name":"Hall","groups":["floor-1","all-screens"]},
                 {"id":"bulk-2","tags":["lcd"],"groups":["floor-1"]},
                 {"id":"bulk-3","groups":["all-screens"]}]
                """#
            let first = try await Self.importFile(gateway, body, contentType: "application/json")
            #expect(first.status == .ok, "\(first.text)")
            #expect(
                first.json
                    == .object([
                        "created": .number(3), "updated": .number(0), "unchanged": .number(0),
                        "groups_created": .number(2), "groups_updated": .number(0),
                    ]))
            #expect(
                try await gateway.admin(.get, "groups/floor-1")["members"]
                    == .array([.string("bulk-1"), .string("bulk-2")]))
            #expect(try await gateway.admin(.get, "devices/bulk-2")["tags"] == .array([.string("lcd")]))
            #expect(try await gateway.admin(.get, "devices/bulk-1")["name"] == .string("Hall"))

            let again = try await Self.importFile(gateway, body, contentType: "application/json")
            #expect(again["unchanged"] == .number(3))
            #expect(again["created"] == .number(0) && again["groups_created"] == .number(0))
            #expect(again["groups_updated"] == .number(0))
        }
    }

    @Test("CSV with quoting updates what changed and adds memberships without removing any")
    func csvUpdatesAndAdds() async throws {
        try await InProcessGateway.run { gateway in
            _ = try await gateway.admin(.post, "devices", #"{"id":"csv-1","name":"Old"}"#)
            _ = try await gateway.admin(.post, "devices", #"{"id":"csv-9"}"#)
            _ = try await gateway.admin(.post, "groups", #"{"id":"lobby","members":["csv-9"]}"#)
            let csv = "id,name,groups,tags\ncsv-1,\"Lobby, left\",lobby;north,a;b\n\ncsv-2,,lobby,\n"
            let answer = try await Self.importFile(gateway, csv, contentType: "text/csv")
            #expect(answer.status == .ok, "\(answer.text)")
            #expect(answer["created"] == .number(1) && answer["updated"] == .number(1))
            #expect(answer["groups_created"] == .number(1) && answer["groups_updated"] == .number(1))
            #expect(try await gateway.admin(.get, "devices/csv-1")["name"] == .string("Lobby, left"))
            #expect(try await gateway.admin(.get, "devices/csv-1")["tags"] == .array([.string("a"), .string("b")]))
            #expect(
                try await gateway.admin(.get, "groups/lobby")["members"]
                    == .array([.string("csv-1"), .string("csv-2"), .string("csv-9")]))
            #expect(try await gateway.admin(.get, "groups/north")["members"] == .array([.string("csv-1")]))
        }
    }

    @Test("One bad row refuses the whole file with the rows named, and nothing is stored")
    func badRowRefusesAll() async throws {
        try await InProcessGateway.run { gateway in
            let csv = "id,groups\nok-1,g\nbad/id,g\nok-2,bad#group\nok-1,g\n"
            let answer = try await Self.importFile(gateway, csv, contentType: "text/csv")
            #expect(answer.status == .unprocessableContent)
            #expect(answer.errorCode == "invalid_import")
            let detail = answer.string("detail") ?? ""
            #expect(detail.contains("row 3") && detail.contains("row 4") && detail.contains("row 5"), "\(detail)")
            #expect(try await gateway.admin(.get, "devices")["items"] == .array([]))
            #expect(try await gateway.admin(.get, "groups")["items"] == .array([]))
            let notJSON = try await Self.importFile(gateway, #"{"id":"x"}"#, contentType: "application/json")
            #expect(notJSON.status == .unprocessableContent)
            let unauthorized = try await gateway.request(.post, "/api/v1/devices/import", body: "[]")
            #expect(unauthorized.status == .unauthorized)
        }
    }
}
