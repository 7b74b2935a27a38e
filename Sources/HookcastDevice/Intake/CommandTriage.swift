import Foundation
import HookcastProtocol

/// What to do with a message that arrived on a command topic. Pure, so every rule of docs/protocol.md is tested
/// without a broker.
enum CommandDecision: Equatable {
    /// A valid, unexpired command not seen before.
    case execute(CommandEnvelope)
    /// Answer without executing: a duplicate (with its original outcome), an expired or a rejected command.
    case acknowledge(commandID: UUID, CommandOutcome, duplicate: Bool)
    /// Nothing to answer: the message names no command id.
    case drop(reason: String)
    /// Not this device's to answer: on a tag topic, a command for devices with other tags, or one this device
    /// handled already (it also has another of the tags, and the command went out on each tag's topic).
    case ignore(reason: String)
}

enum CommandTriage {
    /// - Parameters:
    ///   - topic: where the message arrived; on a tag topic the device answers only commands whose target
    ///     selects `tags` (its tags, from its config), and each of them once.
    static func decide(
        payload: [UInt8],
        correlationData: [UInt8]?,
        seen: some CommandMemory,
        now: Date,
        topic: String = "",
        tags: Set<String> = [],
        topics: Topics = .standard
    ) -> CommandDecision {
        let json = try? UntrustedJSON.decode(Data(payload))
        let id =
            commandID(in: json) ?? correlationData.flatMap { UUID(uuidString: String(decoding: $0, as: UTF8.self)) }
        let onTagTopic = topics.isTagCommands(topic)
        if let id, let outcome = seen.outcome(of: id) {
            if onTagTopic { return .ignore(reason: "handled already, heard again on another tag's topic") }
            return .acknowledge(commandID: id, outcome, duplicate: true)
        }
        if case .object(let fields) = json, case .number(let version) = fields["v"],
            version != Double(CommandEnvelope.currentVersion)
        {
            guard let id else { return .drop(reason: "unsupported envelope version and no command id") }
            let shown = version == version.rounded() ? String(Int64(version)) : String(version)
            return .acknowledge(
                commandID: id, CommandOutcome(status: .rejected, detail: "unsupported envelope version \(shown)"),
                duplicate: false)
        }
        let envelope: CommandEnvelope
        do {
            envelope = try CommandEnvelope.decode(payload)
        } catch {
            guard let id else { return .drop(reason: "undecodable command without an id: \(describe(error))") }
            return .acknowledge(
                commandID: id, CommandOutcome(status: .rejected, detail: "invalid command: \(describe(error))"),
                duplicate: false)
        }
        if onTagTopic, case .tag(let selection) = envelope.target, !selection.selects(tags) {
            return .ignore(reason: "for devices with other tags")
        }
        if envelope.expiresAt <= now {
            return .acknowledge(
                commandID: envelope.id,
                CommandOutcome(status: .expired, detail: "expired at \(JSONCoding.timestamp(envelope.expiresAt))"),
                duplicate: false)
        }
        return .execute(envelope)
    }

    private static func commandID(in json: JSONValue?) -> UUID? {
        guard case .object(let fields) = json, case .string(let text) = fields["id"] else { return nil }
        return UUID(uuidString: text)
    }

    /// A short sentence for the acknowledgement; the decoder's own descriptions run to paragraphs.
    static func describe(_ error: any Error) -> String {
        guard let decodingError = error as? DecodingError else { return "\(error)" }
        switch decodingError {
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])) is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(path(context.codingPath)) has the wrong type"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "not a JSON object" }
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(decodingError)"
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.isEmpty ? "the envelope" : keys.map(\.stringValue).joined(separator: ".")
    }
}
