import ArgumentParser
import Foundation
import HookcastProtocol

/// `hookcast integrations` and `hookcast observers`: the broker accounts of other systems (docs/integrations.md).
/// A password is printed once, by `create` and `rotate-password`.
enum MQTTAccountsCLI {
    static func printPassword(_ account: JSONValue, _ verb: String) {
        print("\(verb) \(account["username"]?.text ?? ""); its MQTT password, shown this once:")
        print(account["password"]?.text ?? "")
        print("Connect with that user name, and a client id that is the user name or starts with it and ':'.")
    }

    /// `delete NAME` of either kind (`resource`: `integrations` or `observers`; `kind`: `integration`, `observer`).
    static func delete(_ name: String, resource: String, kind: String, options: AdminOptions) async throws {
        try await options.client.send("DELETE", "/api/v1/\(resource)/\(name.pathSegment)")
        if !options.json { print("Deleted \(kind).\(name); its clients are disconnected") }
    }

    /// `rotate-password NAME` of either kind.
    static func rotatePassword(_ name: String, resource: String, options: AdminOptions) async throws {
        let client = try options.client
        let account = try await client.send("POST", "/api/v1/\(resource)/\(name.pathSegment)/password")
        client.output(account) { printPassword($0, "New password for") }
    }

    static let rotateConfiguration = CommandConfiguration(
        commandName: "rotate-password", abstract: "Give it a new password; the old one stops working.")
}

struct IntegrationsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "integrations", abstract: "Integration MQTT accounts: publish triggers, read their answers.",
        subcommands: [List.self, Create.self, Delete.self, RotatePassword.self])

    static let columns: [(String, @Sendable (JSONValue) -> String)] = [
        ("user name", { $0["username"]?.text ?? "" }), ("key", { $0["key_id"]?.text ?? "" }),
        ("description", { $0["description"].flatMap { $0 == .null ? nil : $0.text } ?? "" }),
    ]

    struct List: AsyncParsableCommand {
        @OptionGroup var options: AdminOptions
        func run() async throws {
            let client = try options.client
            client.table(try await client.send("GET", "/api/v1/integrations"), columns: IntegrationsCommand.columns)
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make an integration account for an API key.")
        @OptionGroup var options: AdminOptions
        @Argument(help: "1 to 64 of A-Z a-z 0-9 _ -; the user name is integration.<name>.") var name: String
        @Option(name: .customLong("key"), help: "The API key's id: the integration's triggers are that key's.")
        var keyID: String
        @Option var description: String?

        func run() async throws {
            var body: [String: JSONValue] = ["name": .string(name), "key_id": .string(keyID)]
            if let description { body["description"] = .string(description) }
            let client = try options.client
            let account = try await client.send("POST", "/api/v1/integrations", body: .object(body))
            client.output(account) { MQTTAccountsCLI.printPassword($0, "Made") }
        }
    }

    struct Delete: AsyncParsableCommand {
        @OptionGroup var options: AdminOptions
        @Argument var name: String
        func run() async throws {
            try await MQTTAccountsCLI.delete(name, resource: "integrations", kind: "integration", options: options)
        }
    }

    struct RotatePassword: AsyncParsableCommand {
        static let configuration = MQTTAccountsCLI.rotateConfiguration
        @OptionGroup var options: AdminOptions
        @Argument var name: String
        func run() async throws {
            try await MQTTAccountsCLI.rotatePassword(name, resource: "integrations", options: options)
        }
    }
}

struct ObserversCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "observers",
        abstract: "Observer MQTT accounts: read acknowledgements, presence and emergency state of the fleet or groups.",
        subcommands: [List.self, Create.self, Update.self, Delete.self, RotatePassword.self])

    static let columns: [(String, @Sendable (JSONValue) -> String)] = [
        ("user name", { $0["username"]?.text ?? "" }),
        (
            "scope",
            { account in
                if account["fleet"] == .bool(true) { return "fleet" }
                guard case .array(let groups)? = account["groups"], !groups.isEmpty else { return "nothing" }
                return groups.compactMap(\.text).joined(separator: ",")
            }
        ),
        ("commands", { $0["include_commands"]?.text ?? "" }),
        ("description", { $0["description"].flatMap { $0 == .null ? nil : $0.text } ?? "" }),
    ]

    struct List: AsyncParsableCommand {
        @OptionGroup var options: AdminOptions
        func run() async throws {
            let client = try options.client
            client.table(try await client.send("GET", "/api/v1/observers"), columns: ObserversCommand.columns)
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make an observer account.")
        @OptionGroup var options: AdminOptions
        @Argument(help: "1 to 64 of A-Z a-z 0-9 _ -; the user name is observer.<name>.") var name: String
        @Option(name: .customLong("group"), help: "A group it watches (repeatable); none: the whole fleet.")
        var groups: [String] = []
        @Flag(help: "Let it read command topics too.") var includeCommands = false
        @Option var description: String?

        func run() async throws {
            var body: [String: JSONValue] = ["name": .string(name), "include_commands": .bool(includeCommands)]
            if !groups.isEmpty { body["groups"] = .array(groups.map(JSONValue.string)) }
            if let description { body["description"] = .string(description) }
            let client = try options.client
            let account = try await client.send("POST", "/api/v1/observers", body: .object(body))
            client.output(account) { MQTTAccountsCLI.printPassword($0, "Made") }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change what an observer watches.")
        @OptionGroup var options: AdminOptions
        @Argument var name: String
        @Option(name: .customLong("group"), help: "Its groups from now on (repeatable).") var groups: [String] = []
        @Flag(help: "Watch the whole fleet.") var fleet = false
        @Option(help: "true or false.") var includeCommands: Bool?

        func run() async throws {
            var body: [String: JSONValue] = [:]
            if fleet {
                body["groups"] = .null
            } else if !groups.isEmpty {
                body["groups"] = .array(groups.map(JSONValue.string))
            }
            if let includeCommands { body["include_commands"] = .bool(includeCommands) }
            let client = try options.client
            let account = try await client.send("PATCH", "/api/v1/observers/\(name.pathSegment)", body: .object(body))
            client.output(account) { print("Updated \($0["username"]?.text ?? "")") }
        }
    }

    struct Delete: AsyncParsableCommand {
        @OptionGroup var options: AdminOptions
        @Argument var name: String
        func run() async throws {
            try await MQTTAccountsCLI.delete(name, resource: "observers", kind: "observer", options: options)
        }
    }

    struct RotatePassword: AsyncParsableCommand {
        static let configuration = MQTTAccountsCLI.rotateConfiguration
        @OptionGroup var options: AdminOptions
        @Argument var name: String
        func run() async throws {
            try await MQTTAccountsCLI.rotatePassword(name, resource: "observers", options: options)
        }
    }
}
