import ArgumentParser
import Foundation
import HookcastProtocol

/// `hookcast cap`: CAP rules, the alerts received, and sending an alert as an alerting platform does (docs/cap.md).
struct CAPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cap", abstract: "CAP 1.2 alerts: rules, received alerts, and sending one.",
        subcommands: [CAPRulesCommand.self, CAPAlertsCommand.self, CAPFeedsCommand.self, Send.self])

    struct Send: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Post a CAP alert file to the gateway with an API key, as an alerting platform does.")
        @Option(help: "Gateway URL (HOOKCAST_SERVER).")
        var server: String = Environment.value("HOOKCAST_SERVER") ?? "http://127.0.0.1:8080"
        @Option(help: "The API key; shows in `ps`: prefer --key-file or HOOKCAST_API_KEY.") var key: String?
        @Option(name: .customLong("key-file"), help: "File holding the API key, or - to read it from standard input.")
        var keyFile: String?
        @Flag(help: "Print the server's JSON answer.") var json = false
        @Argument(help: "The CAP 1.2 alert (XML), or - for standard input.") var file: String

        func run() async throws {
            let key = try SecretInput.choose(
                value: key, file: keyFile, variable: "HOOKCAST_API_KEY", what: "API key", flags: ("--key", "--key-file")
            )
            let data =
                file == "-"
                ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: file))
            let client = AdminClient(server: server, token: nil, printJSON: json)
            let answer = try await client.send(
                "POST", "/public-api/integration/cap", headers: ["x-webhook-apikey": key],
                file: (data, "application/cap+xml"))
            client.output(answer) { answer in
                let alert = answer["alert"]
                let duplicate = answer["duplicate"] == .bool(true) ? " (received before: nothing done now)" : ""
                print(
                    "Alert \(alert?["identifier"]?.text ?? "") \(alert?["msg_type"]?.text ?? ""): "
                        + "\(alert?["state"]?.text ?? ""), \(answer["commands"]?.array?.count ?? 0) commands, "
                        + "\(answer["ended"]?.array?.count ?? 0) alerts ended\(duplicate)")
                for note in alert?["notes"]?.array ?? [] { print("  \(note.text)") }
            }
        }
    }
}

struct CAPRulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules", abstract: "The rules that map CAP alerts to what screens do.",
        subcommands: [List.self, Create.self, Delete.self])

    struct List: AsyncParsableCommand {
        @OptionGroup var options: AdminOptions
        func run() async throws {
            let client = try options.client
            client.table(
                try await client.send("GET", "/api/v1/cap/rules"),
                columns: [
                    ("id", { $0["id"]?.text ?? "" }), ("takes", { CAPRulesCommand.describe($0["match"]) }),
                    ("target", { ActionsCommand.describe(target: $0["target"]) }),
                    ("response", { $0["response"]?.text ?? "" }),
                    ("tests go to", { ActionsCommand.describe(target: $0["test_target"]).nonEmpty ?? "(recorded)" }),
                    ("enabled", { $0["enabled"]?.text ?? "" }),
                ])
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a CAP rule.",
            discussion: """
                Every criterion given must hold; repeat an option for alternatives (--severity Extreme --severity Severe).
                Response: auto (Extreme and Severe: emergency with the headline and instruction; else a toast),
                emergency or toast. Target and --test-target: device:ID, group:ID, all, tag:A,B or tag-all:A,B (tags
                only with --response toast). Without --test-target, alerts whose status is not Actual are recorded only.
                """)
        @OptionGroup var options: AdminOptions
        @Argument var id: String
        @Option var name: String?
        @Option(help: "device:ID, group:ID, all, tag:A,B or tag-all:A,B.") var target: String
        @Option(help: "auto, emergency or toast.") var response: String?
        @Option(name: .customLong("test-target")) var testTarget: String?
        @Option(name: .customLong("toast-seconds")) var toastSeconds: Int?
        @Option(name: .customLong("event"), help: "info/event, exactly.") var events: [String] = []
        @Option(name: .customLong("severity")) var severities: [String] = []
        @Option(name: .customLong("urgency")) var urgencies: [String] = []
        @Option(name: .customLong("certainty")) var certainties: [String] = []
        @Option(name: .customLong("category")) var categories: [String] = []
        @Option(name: .customLong("area"), help: "A word or phrase of areaDesc.") var areas: [String] = []
        @Option(name: .customLong("geocode"), help: "valueName=value.") var geocodes: [String] = []
        @Option(name: .customLong("event-code"), help: "valueName=value.") var eventCodes: [String] = []
        @Option(name: .customLong("sender")) var senders: [String] = []
        @Option(name: .customLong("callback-url"), help: "Where a signed report of each alert's commands goes.")
        var callbackURL: String?
        @Flag(help: "Create it switched off.") var disabled = false

        func run() async throws {
            var match: [String: JSONValue] = [:]
            for (key, values) in [
                ("events", events), ("severities", severities), ("urgencies", urgencies),
                ("certainties", certainties), ("categories", categories), ("areas", areas), ("senders", senders),
            ] where !values.isEmpty {
                match[key] = .array(values.map(JSONValue.string))
            }
            for (key, pairs) in [("geocodes", geocodes), ("event_codes", eventCodes)] where !pairs.isEmpty {
                match[key] = .array(
                    try pairs.map { pair in
                        let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                        guard parts.count == 2 else { throw ValidationError("Write '\(pair)' as valueName=value.") }
                        return .object(["value_name": .string(parts[0]), "value": .string(parts[1])])
                    })
            }
            var body: [String: JSONValue] = [
                "id": .string(id), "enabled": .bool(!disabled), "match": .object(match),
                "target": ActionsCommand.target(target),
            ]
            if let name { body["name"] = .string(name) }
            if let response { body["response"] = .string(response) }
            if let testTarget { body["test_target"] = ActionsCommand.target(testTarget) }
            if let toastSeconds { body["toast_seconds"] = .number(Double(toastSeconds)) }
            if let callbackURL { body["callback_url"] = .string(callbackURL) }
            let client = try options.client
            let rule = try await client.send("POST", "/api/v1/cap/rules", body: .object(body))
            client.output(rule) { rule in
                print("Created CAP rule \(rule["id"]?.text ?? "") (\(rule["response"]?.text ?? ""))")
                if let secret = rule["callback_secret"] {
                    print("Callback signing secret (shown once; keep it safe): \(secret.text)")
                }
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        @OptionGroup var options: AdminOptions
        @Argument var id: String
        func run() async throws {
            try await options.client.send("DELETE", "/api/v1/cap/rules/\(id.pathSegment)")
            if !options.json { print("Deleted CAP rule \(id)") }
        }
    }

    /// The criteria in one line: `event=Earthquake severity=Extreme|Severe`.
    static func describe(_ match: JSONValue?) -> String {
        guard case .object(let fields)? = match else { return "any alert" }
        let parts = fields.keys.sorted().compactMap { key -> String? in
            guard let values = fields[key]?.array, !values.isEmpty else { return nil }
            let shown = values.map { value in
                value["value_name"].map { "\($0.text)=\(value["value"]?.text ?? "")" } ?? value.text
            }
            return "\(key)=\(shown.joined(separator: "|"))"
        }
        return parts.isEmpty ? "any alert" : parts.joined(separator: " ")
    }
}

struct CAPAlertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts", abstract: "The CAP messages received, newest first, and what each did.",
        subcommands: [List.self, Show.self])

    struct List: AsyncParsableCommand {
        @OptionGroup var options: AdminOptions
        @Option(help: "How many (1 to 500).") var limit = 20
        @Option(help: "Only alerts older than this id (the cursor printed after a page).") var before: String?

        func run() async throws {
            let client = try options.client
            var query = ["limit=\(limit)"]
            if let before { query.append("before=\(before.pathSegment)") }
            let page = try await client.send("GET", "/api/v1/cap/alerts?" + query.joined(separator: "&"))
            client.table(
                page,
                columns: [
                    ("received", { $0["received_at"]?.text ?? "" }), ("id", { $0["id"]?.text ?? "" }),
                    ("identifier", { $0["identifier"]?.text ?? "" }), ("type", { $0["msg_type"]?.text ?? "" }),
                    ("status", { $0["status"]?.text ?? "" }), ("event", { $0["event"]?.text ?? "" }),
                    ("severity", { $0["severity"]?.text ?? "" }), ("state", { $0["state"]?.text ?? "" }),
                    ("commands", { String($0["command_ids"]?.array?.count ?? 0) }),
                ])
            if !options.json, let next = page["next_before"], next != .null {
                print("More: hookcast cap alerts list --before \(next.text)")
            }
        }
    }

    struct Show: AsyncParsableCommand {
        @OptionGroup var options: AdminOptions
        @Argument var id: String
        func run() async throws {
            let client = try options.client
            let alert = try await client.send("GET", "/api/v1/cap/alerts/\(id.pathSegment)")
            client.output(alert) { alert in
                print(
                    "\(alert["msg_type"]?.text ?? "") \(alert["identifier"]?.text ?? "") from \(alert["sender"]?.text ?? "")"
                )
                print(
                    "  sent \(alert["sent"]?.text ?? ""), status \(alert["status"]?.text ?? ""), state \(alert["state"]?.text ?? "")"
                )
                print(
                    "  \(alert["event"]?.text ?? "") (\(alert["severity"]?.text ?? "")): \(alert["headline"]?.text ?? "")"
                )
                for note in alert["notes"]?.array ?? [] { print("  note: \(note.text)") }
                for command in alert["commands"]?.array ?? [] {
                    let totals = command["totals"]
                    print(
                        "  command \(command["id"]?.text ?? "") \(command["function"]?.text ?? "") "
                            + "\(ActionsCommand.describe(target: command["target"])): ok \(totals?["ok"]?.text ?? "0"), "
                            + "failed \(totals?["failed"]?.text ?? "0"), pending \(totals?["pending"]?.text ?? "0")")
                }
                if let by = alert["ended_by"], by != .null {
                    print("  ended by \(by["identifier"]?.text ?? "") at \(alert["ended_at"]?.text ?? "")")
                }
            }
        }
    }
}

extension String {
    /// Nil for the empty string.
    fileprivate var nonEmpty: String? { isEmpty ? nil : self }
}
