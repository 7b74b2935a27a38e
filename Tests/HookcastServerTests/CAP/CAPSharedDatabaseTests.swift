import Foundation
import HookcastPostgresTestSupport
import HookcastTestSupport
import Testing

@testable import HookcastServer

/// An alerting platform that posts the same CAP message to two gateways behind a load balancer at once (as
/// platforms do, for redundancy): the message is acted on once.
@Suite("CAP alerts on gateways sharing one database")
struct CAPSharedDatabaseTests {
    @Test("The same alert posted to two gateways at once, ten times each: one record, one command, nineteen duplicates")
    func actedOnOnce() async throws {
        try await SharedPostgres.withDatabase { database in
            let broker = try await TestBroker()
            let first = GatewayHarness.temporaryDirectory()
            let second = GatewayHarness.temporaryDirectory()
            defer {
                try? FileManager.default.removeItem(at: first)
                try? FileManager.default.removeItem(at: second)
            }
            try await GatewayHarness.run(
                dataDirectory: first, mqttPort: broker.port, configure: { $0.store = .postgres(database) }
            ) { a in
                try SharedDatabaseTests.copyMasterKey(from: first, to: second)
                try await GatewayHarness.run(
                    dataDirectory: second, mqttPort: broker.port, configure: { $0.store = .postgres(database) }
                ) { b in
                    #expect(try await a.admin(.post, "cap/rules", CAPLifecycleTests.quakeRule).status == .created)
                    let key = try await a.createKey().secret
                    let alert = CAPTestAlert(identifier: "shared-\(UUID().uuidString.prefix(6))").xml
                    let answers = try await withThrowingTaskGroup(of: HTTPResult.self) { group in
                        for index in 0..<20 {
                            group.addTask { try await (index.isMultiple(of: 2) ? a : b).postCAP(key: key, alert) }
                        }
                        return try await group.reduce(into: [HTTPResult]()) { $0.append($1) }
                    }
                    #expect(answers.allSatisfy { $0.status == .ok }, "\(answers.map(\.text))")
                    #expect(answers.filter { $0["duplicate"] == .bool(false) }.count == 1)
                    let ids = Set(answers.compactMap { $0["alert"]?.field("id")?.stringValue })
                    #expect(ids.count == 1, "every answer names the one record")
                    let listed = try await b.admin(.get, "cap/alerts")["items"]?.arrayValue ?? []
                    #expect(listed.count == 1)
                    #expect(listed.first?.field("command_ids")?.arrayValue?.count == 1)
                    let commands = try await a.admin(.get, "commands")["items"]?.arrayValue ?? []
                    #expect(commands.count == 1, "one command for the one alert")
                }
            }
        }
    }
}
