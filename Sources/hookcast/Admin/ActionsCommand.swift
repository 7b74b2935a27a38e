import ArgumentParser
import Foundation
import HookcastCore
import HookcastProtocol

struct ActionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "actions", abstract: "Actions by event id: list, create, delete, url, test.",
        subcommands: [List.self, Create.self, Delete.self, URL.self, Test.self])

    struct List: AsyncParsableCommand {
        @OptionGroup var options: AdminOptions
        func run() async throws {
            let client = try options.client
            client.table(
                try await client.send("GET", "/api/v1/actions"),
                columns: [
                    ("event id", { $0["event_id"]?.text ?? "" }), ("function", { function($0) }),
                    ("target", { target($0["target"]) }), ("enabled", { $0["enabled"]?.text ?? "" }),
                    ("ttl", { $0["ttl_seconds"]?.text ?? "" }),
                ])
        }

        /// The function, or for several steps each step's, joined by "+".
        func function(_ action: JSONValue) -> String {
            guard case .array(let steps)? = action["steps"] else { return action["function"]?.text ?? "" }
            return steps.map { $0["function"]?.text ?? "" }.joined(separator: "+")
        }

        func target(_ value: JSONValue?) -> String { ActionsCommand.describe(target: value) }
    }

    /// A target as the CLI writes it: `device:ID`, `group:ID`, `all`, `tag:A,B` or `tag-all:A,B`; "" for none.
    static func describe(target value: JSONValue?) -> String {
        guard let value, value != .null else { return "" }
        let kind = value["kind"]?.text ?? ""
        if kind == "tag", case .array(let tags)? = value["tags"] {
            let prefix = value["match"]?.text == "all" ? "tag-all" : "tag"
            return "\(prefix):" + tags.map(\.text).joined(separator: ",")
        }
        return value["id"].map { "\(kind):\($0.text)" } ?? kind
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an action.",
            discussion: """
                Functions: load_url (--param url=…), emergency (--param state=on|off [--param message=…]),
                refresh_datasource ([--param datasource_id=…]), pause_loop / resume_loop ([--param loop_id=…]),
                send_sensor_event, refresh_content, restart_device,
                show_toast (--param message=… [--param duration_seconds=N] [--param level=info|warning|critical]),
                snooze_device ([--param until=TIMESTAMP | --param duration_seconds=N]), wake_device.
                Target: device:ID, group:ID, all, tag:A,B (devices with any of the tags) or tag-all:A,B (with all).
                Several steps instead of --function, --param and --target: --steps with a JSON array of
                {"function","params","target"} objects, as the admin API takes them.
                """)
        @OptionGroup var options: AdminOptions
        @Argument var eventID: String
        @Option var function: String?
        @Option(help: "device:ID, group:ID, all, tag:A,B or tag-all:A,B.") var target: String?
        @Option(help: "Several steps: a JSON array of {function, params, target}.") var steps: String?
        @Option(name: .customLong("param"), help: "name=value (repeat for more).") var params: [String] = []
        @Option var name: String?
        @Option(help: "Seconds a command stays valid.") var ttl: Int?
        @Flag(help: "Create it switched off.") var disabled = false
        @Option(
            name: .customLong("callback-url"), help: "Where a delivery report of each call goes (docs/callbacks.md).")
        var callbackURL: String?

        func run() async throws {
            var parameters: [String: JSONValue] = [:]
            for param in params {
                let parts = param.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { throw ValidationError("--param takes name=value, not '\(param)'.") }
                let name = String(parts[0])
                let value = String(parts[1])
                // The one numeric parameter goes as a number; anything else as written, for the gateway to judge.
                if name == "duration_seconds", let seconds = Int(value) {
                    parameters[name] = .number(Double(seconds))
                } else {
                    parameters[name] = .string(value)
                }
            }
            var body: [String: JSONValue] = ["event_id": .string(eventID), "enabled": .bool(!disabled)]
            if let steps {
                guard function == nil, target == nil, params.isEmpty else {
                    throw ValidationError("--steps replaces --function, --param and --target.")
                }
                guard let parsed = try? UntrustedJSON.decode(Data(steps.utf8)), case .array = parsed else {
                    throw ValidationError("--steps takes a JSON array of {\"function\",\"params\",\"target\"}.")
                }
                body["steps"] = parsed
            } else {
                guard let function, let target else {
                    throw ValidationError("Give --function and --target (or --steps).")
                }
                body["function"] = .string(function)
                body["params"] = .object(parameters)
                body["target"] = ActionsCommand.target(target)
            }
            if let name { body["name"] = .string(name) }
            if let ttl { body["ttl_seconds"] = .number(Double(ttl)) }
            if let callbackURL { body["callback_url"] = .string(callbackURL) }
            let client = try options.client
            let action = try await client.send("POST", "/api/v1/actions", body: .object(body))
            client.output(action) {
                print("Created action \($0["event_id"]?.text ?? "") (\($0["function"]?.text ?? ""))")
                if let secret = $0["callback_secret"]?.text { print("Callback signing secret (shown once): \(secret)") }
            }
        }
    }

    /// `device:ID`, `group:ID`, `all`, `tag:A,B` or `tag-all:A,B` as the API's target object; anything else goes as
    /// its kind, for the gateway to name what is wrong.
    static func target(_ text: String) -> JSONValue {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        let kind = parts.first ?? ""
        var target: [String: JSONValue] = ["kind": .string(kind)]
        guard parts.count == 2 else { return .object(target) }
        switch kind {
        case "tag", "tag-all":
            target["kind"] = .string("tag")
            target["tags"] = .array(parts[1].split(separator: ",").map { .string(String($0)) })
            target["match"] = .string(kind == "tag" ? "any" : "all")
        default:
            target["id"] = .string(parts[1])
        }
        return .object(target)
    }

    struct Delete: AsyncParsableCommand {
        @OptionGroup var options: AdminOptions
        @Argument var eventID: String
        func run() async throws {
            try await options.client.send("DELETE", "/api/v1/actions/\(eventID.pathSegment)")
            if !options.json { print("Deleted action \(eventID)") }
        }
    }

    struct URL: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "url", abstract: "The GET URL that triggers the action (the page's \"generate URL\").")
        @OptionGroup var options: AdminOptions
        @Argument var eventID: String
        @Option(name: .customLong("key-id"), help: "Which API key to put in the URL (default: the first enabled).")
        var keyID: String?
        func run() async throws {
            let client = try options.client
            let query = keyID.map { "?key_id=\($0.pathSegment)" } ?? ""
            let result = try await client.send("GET", "/api/v1/actions/\(eventID.pathSegment)/trigger-url\(query)")
            client.output(result) { print($0["url"]?.text ?? "") }
        }
    }

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run the action now, without a key.")
        @OptionGroup var options: AdminOptions
        @Argument var eventID: String
        func run() async throws {
            let client = try options.client
            let result = try await client.send("POST", "/api/v1/actions/\(eventID.pathSegment)/test")
            client.output(result) {
                print("Command \($0["command_id"]?.text ?? "") sent to \($0["targets"]?.text ?? "0") devices")
            }
        }
    }
}

struct TriggerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trigger", abstract: "Call the webhook as a third party would (POST with an API key).")
    @Option(help: "Gateway URL (HOOKCAST_SERVER).")
    var server: String = Environment.value("HOOKCAST_SERVER") ?? "http://127.0.0.1:8080"
    @Option(help: "The webhook API key; shows in `ps`: prefer --key-file or HOOKCAST_API_KEY.") var key: String?
    @Option(
        name: .customLong("key-file"),
        help: "File holding the webhook API key, or - to read it from standard input.")
    var keyFile: String?
    @Option(name: .customLong("sensor-id")) var sensorID: String?
    @Option(name: .customLong("sensor-event")) var sensorEvent: String?
    @Option(name: .customLong("sensor-value")) var sensorValue: String?
    @Flag(help: "Print the server's JSON answer.") var json = false
    @Argument var eventID: String

    func run() async throws {
        let key = try SecretInput.choose(
            value: key, file: keyFile, variable: "HOOKCAST_API_KEY", what: "API key", flags: ("--key", "--key-file"))
        var body: [String: JSONValue] = ["event_id": .string(eventID)]
        if let sensorID, let sensorEvent {
            body["sensor_data"] = .object([
                "id": .string(sensorID), "event": .string(sensorEvent), "value": .string(sensorValue ?? ""),
            ])
        }
        let client = AdminClient(server: server, token: nil, printJSON: json)
        let result = try await client.send(
            "POST", "/public-api/integration/webhooks", body: .object(body), headers: ["x-webhook-apikey": key])
        client.output(result) { answer in
            let queued = answer["queued"] == .bool(true) ? " (queued until the broker is reachable)" : ""
            print(
                "\(answer["message"]?.text ?? ""): command \(answer["command_id"]?.text ?? "") for \(answer["targets"]?.text ?? "0") devices\(queued)"
            )
        }
    }
}
