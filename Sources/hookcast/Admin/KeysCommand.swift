import ArgumentParser
import HookcastCore

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Webhook API keys: list, create, show, enable, disable, delete.",
        subcommands: [List.self, Create.self, Show.self, Enable.self, Disable.self, Delete.self])

    static let columns: [(String, @Sendable (JSONValue) -> String)] = [
        ("id", { $0["id"]?.text ?? "" }), ("name", { $0["name"]?.text ?? "" }),
        ("key", { $0["masked_key"]?.text ?? "" }), ("enabled", { $0["enabled"]?.text ?? "" }),
        ("last used", { $0["last_used_at"]?.text ?? "-" }),
    ]

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
        func run() async throws {
            let client = try options.client
            let key = try await client.send("POST", "/api/v1/keys", body: .object(["name": .string(name)]))
            client.output(key) { print("Created key \($0["id"]?.text ?? ""): \($0["key"]?.text ?? "")") }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a key in full (to view or copy it).")
        @OptionGroup var options: AdminOptions
        @Argument var id: String
        func run() async throws {
            let client = try options.client
            let key = try await client.send("GET", "/api/v1/keys/\(id.pathSegment)/reveal")
            client.output(key) { print($0["key"]?.text ?? "") }
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
