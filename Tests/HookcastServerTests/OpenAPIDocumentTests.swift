import Foundation
import HTTPTypes
import HookcastCore
import HookcastProtocol
import HookcastTestSupport
import Logging
import Testing

@testable import HookcastServer

@Suite("The OpenAPI document at /openapi.json")
struct OpenAPIDocumentTests {
    /// docs/openapi.json in this checkout.
    static let documentInDocs = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/openapi.json")

    @Test("GET /openapi.json answers docs/openapi.json byte for byte, as JSON, OpenAPI 3.1.0, without a token")
    func servesTheDocument() async throws {
        let expected = try String(contentsOf: Self.documentInDocs, encoding: .utf8)
        try await InProcessGateway.run { gateway in
            let response = try await gateway.request(.get, "/openapi.json")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            #expect(response.text == expected)
            #expect(response.string("openapi") == "3.1.0")
        }
    }

    @Test("every route the router registers is in the served document's paths, with its method")
    func documentsEveryRoute() async throws {
        let directory = GatewayHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = InMemoryStore()
        let parts = try await assembleParts(
            configuration: GatewayHarness.configuration(dataDirectory: directory, mqttPort: try FreePort.find()),
            logger: Logger(label: "hookcast"), store: store)
        try await store.close()
        // The contract tests' in-process gateway routes exactly as the real one does.
        let inProcess = try assembleGateway(
            configuration: GatewayHarness.configuration(dataDirectory: directory, mqttPort: 1),
            logger: Logger(label: "hookcast"), store: InMemoryStore(), broker: RecordingPublisher(),
            connectionStates: nil, accounts: UnmanagedDeviceAccounts())
        #expect(
            inProcess.router.routes.map { "\($0.method.rawValue) \($0.path)" }
                == parts.router.routes.map { "\($0.method.rawValue) \($0.path)" })
        // The console's static files are a web page, not part of the API: the only routes left out.
        let registered = Set(
            parts.router.routes.map { "\($0.method.rawValue) \($0.path)" }
                .filter { $0 != "GET /" && !$0.hasPrefix("GET /console/") })
        #expect(parts.router.routes.contains { $0.path.description == "/console/{file}" })
        #expect(registered.contains("GET /api/v1/devices/{id}"), "route paths are written as OpenAPI writes them")

        try await InProcessGateway.run { gateway in
            let document = try await gateway.request(.get, "/openapi.json")
            guard case .object(let paths)? = document["paths"] else {
                Issue.record("the document has no paths object")
                return
            }
            var documented = Set<String>()
            for (path, item) in paths {
                guard case .object(let operations) = item else { continue }
                for method in operations.keys where method != "parameters" {
                    documented.insert("\(method.uppercased()) \(path)")
                }
            }
            #expect(registered.subtracting(documented).sorted() == [], "routes missing from docs/openapi.json")
        }
    }

    @Test("every kind of record an audit entry names is in AuditEntry's schema")
    func auditResourcesAreDocumented() throws {
        let document = try UntrustedJSON.decode(Data(contentsOf: Self.documentInDocs))
        guard case .object(let root) = document, case .object(let components)? = root["components"],
            case .object(let schemas)? = components["schemas"], case .object(let entry)? = schemas["AuditEntry"],
            case .object(let properties)? = entry["properties"], case .object(let resource)? = properties["resource"],
            case .array(let allowed)? = resource["enum"]
        else {
            Issue.record("no AuditEntry.resource enum")
            return
        }
        let documented = Set(
            allowed.compactMap { value -> String? in
                if case .string(let name) = value { return name }
                return nil
            })
        #expect(Set(AuditResource.allCases.map(\.rawValue)) == documented)
    }
}
