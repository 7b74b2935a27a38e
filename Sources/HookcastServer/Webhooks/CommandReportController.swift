import Foundation
import HookcastCore
import Hummingbird

/// `GET /public-api/integration/commands/:id`: a command's delivery report for the caller that made it, with the
/// API key it triggered with (header or `apiKey` parameter, as the webhook takes it), so an emergency service can see
/// how many screens answered without the admin token. Any other key, or a command made by the console, is answered
/// 404 like an unknown id: a key learns nothing about commands that are not its own.
struct CommandReportController: Sendable {
    let store: any HookcastStore
    let keyGuard: KeyGuard
    /// A bucket of its own at the key's rate: polling a report must not spend the tokens its next trigger needs.
    let reads: KeyRateLimiter
    let acknowledgementDeadline: Duration

    static func path(of id: UUID) -> String { "/public-api/integration/commands/\(id.lowercasedString)" }

    func addRoutes(to router: Router<HookcastRequestContext>) {
        router.get("public-api/integration/commands/:id") { request, context in
            let found = try await keyGuard.authenticate(request)
            // A key that requires signatures signs its reads too, as a POST with an empty body would be signed.
            _ = try keyGuard.checkSignature(request, body: ByteBuffer(), found)
            try keyGuard.takeToken(found.key, from: reads, subject: "This API key's report reads are")
            let raw = context.parameters.get("id") ?? ""
            let notFound = APIError.notFound(
                "not_found", "This API key made no command '\(String(raw.prefix(64)))'.")
            guard let id = UUID(uuidString: raw) else { throw notFound }
            let page = CommandStatus.DevicePage(request)
            // The owner is checked on the command before its deliveries are read.
            let command = try await StoreFailure.mapping { try await store.commands.find(id: id) }
            guard let command, command.apiKeyID == found.key.id else { throw notFound }
            let status = try await StoreFailure.mapping {
                try await CommandStatus.load(
                    command, store: store, deadline: acknowledgementDeadline, offset: page.offset, limit: page.limit)
            }
            return status
        }
    }
}
