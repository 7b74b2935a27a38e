import Foundation
import HookcastCore
import HookcastProtocol
import HookcastServer
import HookcastTestSupport
import Hummingbird
import HummingbirdTesting
import Testing

/// A store whose command table refuses writes, as a full disk would.
final class CommandsUnavailableStore: HookcastStore {
    let base = InMemoryStore()
    let failing: FailingCommands

    init() { failing = FailingCommands(base: base.commands) }

    var keys: any KeyRepository { base.keys }
    var devices: any DeviceRepository { base.devices }
    var groups: any GroupRepository { base.groups }
    var actions: any ActionRepository { base.actions }
    var commands: any CommandRepository { failing }
    var deliveries: any DeliveryRepository { base.deliveries }
    var emergencies: any EmergencyStateRepository { base.emergencies }
    var audit: any AuditRepository { base.audit }
    var capRules: any CAPRuleRepository { base.capRules }
    var capAlerts: any CAPAlertRepository { base.capAlerts }
    var capFeeds: any CAPFeedRepository { base.capFeeds }
    var callbacks: any CallbackReportRepository { base.callbacks }
    var mqttAccounts: any MQTTAccountRepository { base.mqttAccounts }
    func close() async throws { try await base.close() }

    struct FailingCommands: CommandRepository {
        let base: any CommandRepository
        func insert(_ command: Command) async throws { throw StoreError.unavailable("disk full") }
        func insert(_ commands: [Command]) async throws { throw StoreError.unavailable("disk full") }
        func insert(_ commands: [Command], idempotency: IdempotencyRecord) async throws -> IdempotentInsert {
            throw StoreError.unavailable("disk full")
        }
        func insert(_ commands: [Command], idempotency: IdempotencyRecord?, report: CallbackReport) async throws
            -> IdempotentInsert
        { throw StoreError.unavailable("disk full") }
        func find(id: UUID) async throws -> Command? { try await base.find(id: id) }
        func find(triggerID: UUID) async throws -> [Command] { try await base.find(triggerID: triggerID) }
        func page(offset: Int, limit: Int) async throws -> [Command] {
            try await base.page(offset: offset, limit: limit)
        }
        func count() async throws -> Int { try await base.count() }
        func markPublished(id: UUID, at date: Date) async throws { try await base.markPublished(id: id, at: date) }
        func markPublished(_ publications: [(id: UUID, at: Date)]) async throws {
            try await base.markPublished(publications)
        }
        func markPublishFailed(id: UUID, error: String) async throws {
            try await base.markPublishFailed(id: id, error: error)
        }
        func unpublished(limit: Int, issuedBefore: Date?) async throws -> [Command] {
            try await base.unpublished(limit: limit, issuedBefore: issuedBefore)
        }
        func unpublishedCount() async throws -> Int { try await base.unpublishedCount() }
        func cancel(id: UUID, at date: Date) async throws -> Command? { try await base.cancel(id: id, at: date) }
        func unsettled(at date: Date, issuedBefore: Date?, limit: Int) async throws -> [Command] {
            try await base.unsettled(at: date, issuedBefore: issuedBefore, limit: limit)
        }
        func unsettledSummaries(at date: Date, issuedBefore: Date?, limit: Int) async throws -> [UnsettledCommand] {
            try await base.unsettledSummaries(at: date, issuedBefore: issuedBefore, limit: limit)
        }
        func unsettledSummaries(at date: Date, awaitingAnswerFrom devices: Set<DeviceID>, limit: Int) async throws
            -> [UnsettledCommand]
        { try await base.unsettledSummaries(at: date, awaitingAnswerFrom: devices, limit: limit) }
        func unsettled(ids: [UUID]) async throws -> [Command] { try await base.unsettled(ids: ids) }
        func markSettled(_ ids: [UUID]) async throws { try await base.markSettled(ids) }
    }
}

@Suite("When the store cannot take the command")
struct StoreFailureTests {
    @Test("The webhook answers 503 with Retry-After, says nothing was sent, and nothing is published")
    func storeUnavailable() async throws {
        let directory = GatewayHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let app = try await buildApplication(
            configuration: GatewayHarness.configuration(dataDirectory: directory, mqttPort: try FreePort.find()),
            store: CommandsUnavailableStore())
        try await app.test(.live) { client in
            let gateway = GatewayClient(client: client)
            _ = try await gateway.admin(.post, "devices", #"{"id":"d1"}"#)
            _ = try await gateway.admin(
                .post, "actions", #"{"event_id":"e","function":"refresh_content","target":{"kind":"device","id":"d1"}}"#
            )
            let key = try await gateway.createKey()
            let result = try await client.execute(
                uri: "/public-api/integration/webhooks", method: .post,
                headers: [.contentType: "application/json", .init("x-webhook-apikey")!: key.secret],
                body: ByteBuffer(string: #"{"event_id":"e"}"#)
            ) { $0 }
            #expect(result.status == .serviceUnavailable)
            #expect(result.headers[.retryAfter] == "5")
            let body = String(buffer: result.body)
            #expect(body.contains(#""error":"store_unavailable""#))
            #expect(body.contains("nothing was sent"))
            #expect(!body.contains("disk full"))
        }
    }
}
