import ArgumentParser
import HookcastCore
import HookcastProtocol

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Webhook API keys: list, create, show, enable, disable, limit, scope, sign, delete.",
        subcommands: [
            List.self, Create.self, Show.self, Enable.self, Disable.self, Limit.self, Scope.self,
            RequireSignature.self, SigningSecret.self, Callback.self, Delete.self,
        ])

    static let columns: [(String, @Sendable (JSONValue) -> String)] = [
        ("id", { $0["id"]?.text ?? "" }), ("name", { $0["name"]?.text ?? "" }),
        ("key", { $0["masked_key"]?.text ?? "" }), ("enabled", { $0["enabled"]?.text ?? "" }),
        ("signed", { $0["require_signature"] == .bool(true) ? "required" : "-" }),
        ("old secret until", { $0["previous_signing_secret_expires_at"]?.text ?? "-" }),
        ("rate limit", { KeysCommand.describeLimit($0["rate_limit"]) }),
        ("events", { KeysCommand.describeScope($0["event_ids"]) }),
        ("expires", { $0["expires_at"].flatMap { $0 == .null ? nil : $0.text } ?? "never" }),
        ("last used", { $0["last_used_at"]?.text ?? "-" }),
    ]

    static func describeLimit(_ limit: JSONValue?) -> String {
        guard let limit, limit != .null else { return "default" }
        return "\(limit["per_second"]?.text ?? "?")/s, burst \(limit["burst"]?.text ?? "?")"
    }

    /// Prints the secrets an answer carries: the key and, when there is one, the signing secret.
    static func printSecrets(_ key: JSONValue, heading: String) {
        print("\(heading) \(key["id"]?.text ?? ""): \(key["key"]?.text ?? "")")
        if let signing = key["signing_secret"]?.text { print("Signing secret: \(signing)") }
        if let callback = key["callback_secret"]?.text { print("Callback signing secret (shown once): \(callback)") }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys (masked).")
        @OptionGroup var options: AdminOptions
        func run() async throws {
            let client = try options.client
            client.table(try await client.send("GET", "/api/v1/keys"), columns: KeysCommand.columns)
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a key; prints it in full.")
        @OptionGroup var options: AdminOptions
        @Argument(help: "A name that says who uses the key.") var name: String
        @Flag(name: .customLong("require-signature"), help: "Refuse requests without a Standard Webhooks signature.")
        var requireSignature = false
        @OptionGroup var limit: RateLimitOptions
        @Option(name: .customLong("event"), help: "An event the key may trigger (repeat for more; default: all).")
        var events: [String] = []
        @Option(help: "When the key stops working: an ISO-8601 timestamp.") var expires: String?
        @Option(name: .customLong("callback-url"), help: "Where delivery reports of this key's calls go.")
        var callbackURL: String?
        func run() async throws {
            let client = try options.client
            var body: [String: JSONValue] = ["name": .string(name), "require_signature": .bool(requireSignature)]
            if let callbackURL { body["callback_url"] = .string(callbackURL) }
            if let rateLimit = try limit.json { body["rate_limit"] = rateLimit }
            if !events.isEmpty { body["event_ids"] = .array(events.map(JSONValue.string)) }
            if let expires { body["expires_at"] = .string(expires) }
            let key = try await client.send("POST", "/api/v1/keys", body: .object(body))
            client.output(key) { KeysCommand.printSecrets($0, heading: "Created key") }
        }
    }

    struct Limit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give a key its own rate limit, or return it to the server's default.")
        @OptionGroup var options: AdminOptions
        @Argument var id: String
        @OptionGroup var limit: RateLimitOptions
        @Flag(name: .customLong("default"), help: "Use the server's default limit again.") var useDefault = false
        func run() async throws {
            let client = try options.client
            guard let rateLimit = useDefault ? JSONValue.null : try limit.json else {
                throw ValidationError("Give --rate-limit and --rate-burst, or --default.")
            }
            let key = try await client.send(
                "PATCH", "/api/v1/keys/\(id.pathSegment)", body: .object(["rate_limit": rateLimit]))
            client.output(key) { print("Key \(id): \(KeysCommand.describeLimit($0["rate_limit"]))") }
        }
    }

    struct RequireSignature: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "require-signature",
            abstract: "Require (or, with --off, stop requiring) signed requests for a key.")
        @OptionGroup var options: AdminOptions
        @Argument var id: String
        @Flag(help: "Accept unsigned requests again.") var off = false
        func run() async throws {
            let client = try options.client
            let key = try await client.send(
                "PATCH", "/api/v1/keys/\(id.pathSegment)", body: .object(["require_signature": .bool(!off)]))
            client.output(key) {
                print("Key \(id) \(off ? "accepts unsigned requests" : "requires signed requests")")
                if let signing = $0["signing_secret"]?.text { print("Signing secret: \(signing)") }
            }
        }
    }

    struct SigningSecret: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "signing-secret",
            abstract: "Make a new signing secret for a key; the old one stays valid for the grace period.")
        @OptionGroup var options: AdminOptions
        @Argument var id: String
        @Option(help: "Seconds the old secret stays valid (default 86400, a day; 0: it stops at once).")
        var grace: Double?
        func run() async throws {
            let client = try options.client
            let body: JSONValue? = grace.map { .object(["grace_seconds": .number($0)]) }
            let key = try await client.send("POST", "/api/v1/keys/\(id.pathSegment)/signing-secret", body: body)
            client.output(key) {
                print($0["signing_secret"]?.text ?? "")
                if let until = $0["previous_signing_secret_expires_at"]?.text {
                    print("The old secret stays valid until \(until).")
                } else {
                    print("The old secret, if there was one, no longer works.")
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a key in full (to view or copy it).")
        @OptionGroup var options: AdminOptions
        @Argument var id: String
        func run() async throws {
            let client = try options.client
            let key = try await client.send("GET", "/api/v1/keys/\(id.pathSegment)/reveal")
            client.output(key) {
                print($0["key"]?.text ?? "")
                if let signing = $0["signing_secret"]?.text { print("Signing secret: \(signing)") }
            }
        }
    }

    struct Enable: AsyncParsableCommand {
        @OptionGroup var options: AdminOptions
        @Argument var id: String
        func run() async throws { try await KeysCommand.setEnabled(options, id, true) }
    }

    struct Disable: AsyncParsableCommand {
        @OptionGroup var options: AdminOptions
        @Argument var id: String
        func run() async throws { try await KeysCommand.setEnabled(options, id, false) }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a key; requests with it fail at once.")
        @OptionGroup var options: AdminOptions
        @Argument var id: String
        func run() async throws {
            try await options.client.send("DELETE", "/api/v1/keys/\(id.pathSegment)")
            if !options.json { print("Deleted key \(id)") }
        }
    }

    static func setEnabled(_ options: AdminOptions, _ id: String, _ enabled: Bool) async throws {
        let client = try options.client
        let key = try await client.send(
            "PATCH", "/api/v1/keys/\(id.pathSegment)", body: .object(["enabled": .bool(enabled)]))
        client.output(key) { print("Key \(id) is \($0["enabled"] == .bool(true) ? "enabled" : "disabled")") }
    }
}

/// `--rate-limit` and `--rate-burst`, given together.
struct RateLimitOptions: ParsableArguments {
    @Option(name: .customLong("rate-limit"), help: "Requests per second on average.") var perSecond: Double?
    @Option(name: .customLong("rate-burst"), help: "Requests at once before the rate applies.") var burst: Int?

    /// Nil when neither is given.
    var json: JSONValue? {
        get throws {
            switch (perSecond, burst) {
            case (nil, nil): return nil
            case (let perSecond?, let burst?):
                return .object(["per_second": .number(perSecond), "burst": .number(Double(burst))])
            default: throw ValidationError("Give --rate-limit and --rate-burst together.")
            }
        }
    }
}
