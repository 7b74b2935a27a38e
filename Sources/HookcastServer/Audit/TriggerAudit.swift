import Foundation
import HookcastCore
import HookcastProtocol
import Hummingbird
import Synchronization

/// What the webhook handler learned about a call while answering it (the key, the event), for its audit entry.
/// Reached through a task-local, so the handler notes each fact where it learns it without passing this along.
final class TriggerNote: Sendable {
    @TaskLocal static var current: TriggerNote?

    private struct Facts {
        var key: APIKey?
        var eventID: String?
    }

    private let facts = Mutex(Facts())

    /// The call named this key, and it is known and enabled.
    func identified(_ key: APIKey) {
        facts.withLock { $0.key = key }
    }

    /// The event the call named, as shown in answers (at most 128 characters).
    func named(event: String) {
        facts.withLock { $0.eventID = event }
    }

    fileprivate var snapshot: (key: APIKey?, eventID: String?) {
        facts.withLock { ($0.key, $0.eventID) }
    }
}

/// An answer that made commands, which its audit entry lists.
protocol AuditedAnswer: ResponseEncodable {
    var commandIDs: [UUID] { get }
}

extension TriggerResponse: AuditedAnswer {}

extension AuditTrail {
    /// Answers a webhook call with `handle` and queues its audit entry: who (the key by id and name, never the
    /// secret), from where, which event, which command, and the answer's status and error code.
    func trigger<Answer: AuditedAnswer>(
        from context: HookcastRequestContext,
        _ handle: () async throws -> EditedResponse<Answer>
    ) async throws -> EditedResponse<Answer> {
        let note = TriggerNote()
        do {
            let answer = try await TriggerNote.$current.withValue(note) { try await handle() }
            let status = Int((answer.status ?? .ok).code)
            submit(entry(note, context, status: status, error: nil, commands: answer.responseGenerator.commandIDs))
            return answer
        } catch {
            let answered = Self.answer(to: error)
            submit(entry(note, context, status: answered.status, error: answered.code, commands: []))
            throw error
        }
    }

    /// As `trigger(from:_:)` for a trigger an integration account published over MQTT: its entry names the account
    /// (`mqtt:integration.<name>`) where a webhook's names the caller's address. Never throws: an error is the
    /// answer, with the status and body the webhook would have given.
    func trigger(
        viaMQTT account: String, _ handle: () async throws -> EditedResponse<TriggerResponse>
    ) async -> (status: Int, body: [UInt8]) {
        let note = TriggerNote()
        let origin = "mqtt:\(IntegrationTrigger.usernamePrefix)\(account)"
        do {
            let answer = try await TriggerNote.$current.withValue(note) { try await handle() }
            let status = Int((answer.status ?? .ok).code)
            submit(entry(note, origin, status: status, error: nil, commands: answer.responseGenerator.commandIDs))
            return (status, MQTTTriggerAnswerBody.success(answer.responseGenerator))
        } catch {
            let answered = Self.answer(to: error)
            submit(entry(note, origin, status: answered.status, error: answered.code, commands: []))
            return (answered.status, MQTTTriggerAnswerBody.error(error))
        }
    }

    private func entry(
        _ note: TriggerNote, _ context: HookcastRequestContext, status: Int, error: String?, commands: [UUID]
    ) -> AuditEntry {
        entry(note, context.clientAddress, status: status, error: error, commands: commands)
    }

    private func entry(
        _ note: TriggerNote, _ origin: String?, status: Int, error: String?, commands: [UUID]
    ) -> AuditEntry {
        let (key, eventID) = note.snapshot
        return AuditEntry(
            at: clock(), kind: .trigger,
            actor: key.map { AuditActor(type: .apiKey, id: $0.id.lowercasedString, name: $0.name) } ?? .unidentified,
            remoteAddress: origin, eventID: eventID, commandIDs: commands, status: status, errorCode: error)
    }

    /// The status and code the error becomes in the answer (`ErrorMappingMiddleware`).
    static func answer(to error: any Error) -> (status: Int, code: String) {
        switch error {
        case let error as APIError: (Int(error.status.code), error.code)
        case let error as HTTPError:
            (Int(error.status.code), ErrorMappingMiddleware<HookcastRequestContext>.map(error).code)
        case let error as any HTTPResponseError: (Int(error.status.code), "http_\(error.status.code)")
        default: (500, "internal_error")
        }
    }
}
