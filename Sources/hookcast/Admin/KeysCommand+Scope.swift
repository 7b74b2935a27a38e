import ArgumentParser
import HookcastProtocol

extension KeysCommand {
    static func describeScope(_ events: JSONValue?) -> String {
        guard case .array(let items)? = events else { return "all" }
        return items.compactMap(\.text).joined(separator: ",")
    }

    struct Scope: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Limit a key to some events or let it trigger all; set or clear when it expires.")
        @OptionGroup var options: AdminOptions
        @Argument var id: String
        @Option(name: .customLong("event"), help: "An event the key may trigger (repeat for more).")
        var events: [String] = []
        @Flag(name: .customLong("all-events"), help: "Let the key trigger every event again.") var allEvents = false
        @Option(help: "When the key stops working: an ISO-8601 timestamp (a past one stops it at once).")
        var expires: String?
        @Flag(name: .customLong("never-expires"), help: "Keep the key working until it is disabled.")
        var neverExpires = false

        func validate() throws {
            if allEvents && !events.isEmpty { throw ValidationError("Give --event or --all-events, not both.") }
            if neverExpires && expires != nil { throw ValidationError("Give --expires or --never-expires, not both.") }
            if !allEvents && events.isEmpty && !neverExpires && expires == nil {
                throw ValidationError("Give --event, --all-events, --expires or --never-expires.")
            }
        }

        func run() async throws {
            let client = try options.client
            var body: [String: JSONValue] = [:]
            if allEvents { body["event_ids"] = .null }
            if !events.isEmpty { body["event_ids"] = .array(events.map(JSONValue.string)) }
            if neverExpires { body["expires_at"] = .null }
            if let expires { body["expires_at"] = .string(expires) }
            let key = try await client.send("PATCH", "/api/v1/keys/\(id.pathSegment)", body: .object(body))
            client.output(key) {
                let expiry = $0["expires_at"].flatMap { $0 == .null ? nil : $0.text } ?? "never"
                print("Key \(id): events \(KeysCommand.describeScope($0["event_ids"])); expires \(expiry)")
            }
        }
    }
}
