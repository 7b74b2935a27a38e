import ArgumentParser
import HookcastProtocol

/// `hookcast commands`: what was triggered, how far each got, and cancelling one.
struct CommandsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "commands", abstract: "Commands: list the newest, show one device by device, cancel one.",
        subcommands: [List.self, Show.self, Cancel.self])

    /// "3 ok, 1 failed, 2 pending": the states any device is in, in the order the console shows them.
    static func describeTotals(_ totals: JSONValue?) -> String {
        let states = ["ok", "failed", "rejected", "expired", "timed_out", "cancelled", "pending"]
        let parts = states.compactMap { state -> String? in
            guard let count = totals?[state]?.text, count != "0" else { return nil }
            return "\(count) \(state.replacingOccurrences(of: "_", with: " "))"
        }
        return parts.isEmpty ? "no device expected" : parts.joined(separator: ", ")
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The newest commands, with their totals.")
        @OptionGroup var options: AdminOptions
        @Option(help: "How many (1 to 500).") var limit = 20
        func run() async throws {
            let client = try options.client
            client.table(
                try await client.send("GET", "/api/v1/commands?limit=\(limit)"),
                columns: [
                    ("id", { $0["id"]?.text ?? "" }), ("event", { $0["event_id"]?.text ?? "" }),
                    ("issued", { $0["issued_at"]?.text ?? "" }), ("source", { $0["source"]?.text ?? "" }),
                    ("devices", { CommandsCommand.describeTotals($0["totals"]) }),
                ])
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One command, device by device.")
        @OptionGroup var options: AdminOptions
        @Argument var id: String
        func run() async throws {
            let client = try options.client
            let command = try await client.send("GET", "/api/v1/commands/\(id.pathSegment)?limit=1000")
            client.output(command) { CommandsCommand.printStatus($0) }
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cancel a command: not sent again; devices that have not run it drop it.")
        @OptionGroup var options: AdminOptions
        @Argument var id: String
        func run() async throws {
            let client = try options.client
            let command = try await client.send("POST", "/api/v1/commands/\(id.pathSegment)/cancel")
            client.output(command) {
                print("Cancelled command \(id) at \($0["cancelled_at"]?.text ?? "?")")
                CommandsCommand.printStatus($0)
            }
        }
    }

    static func printStatus(_ command: JSONValue) {
        print(
            "\(command["event_id"]?.text ?? "") \(command["function"]?.text ?? ""): \(describeTotals(command["totals"]))"
        )
        for device in command["devices"]?.array ?? [] {
            let detail = device["detail"].flatMap { $0 == .null ? nil : $0.text }.map { " (\($0))" } ?? ""
            print("  \(device["device_id"]?.text ?? "")  \(device["state"]?.text ?? "")\(detail)")
        }
    }
}
