import ArgumentParser
import Foundation
import HookcastProtocol

/// `hookcast callbacks list|show|retry`: the delivery reports owed to callback URLs (docs/callbacks.md).
struct CallbacksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "callbacks", abstract: "Delivery reports to callback URLs: list, show, retry.",
        subcommands: [List.self, Show.self, Retry.self])

    static func text(_ value: JSONValue?) -> String {
        value.flatMap { $0 == .null ? nil : $0.text } ?? "-"
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The newest reports; --before the printed cursor for older ones.")
        @OptionGroup var options: AdminOptions
        @Option(help: "How many (1 to 500).") var limit = 20
        @Option(help: "Only one state: waiting, sending, delivered or failed.") var state: String?
        @Option(help: "Only reports older than this id (the cursor printed after a page).") var before: String?

        func run() async throws {
            let client = try options.client
            var query = ["limit=\(limit)"]
            if let state { query.append("state=\(state.pathSegment)") }
            if let before { query.append("before=\(before.pathSegment)") }
            let page = try await client.send("GET", "/api/v1/callbacks?" + query.joined(separator: "&"))
            client.table(
                page,
                columns: [
                    ("id", { CallbacksCommand.text($0["id"]) }),
                    ("created", { CallbacksCommand.text($0["created_at"]) }),
                    ("state", { CallbacksCommand.text($0["state"]) }),
                    ("attempts", { CallbacksCommand.text($0["attempts"]) }),
                    ("last", { CallbacksCommand.text($0["last_status"]) }),
                    ("next attempt", { CallbacksCommand.text($0["next_attempt_at"]) }),
                    ("url", { CallbacksCommand.text($0["url"]) }),
                ])
            if !options.json, let next = page["next_before"], next != .null {
                print("More: hookcast callbacks list --before \(next.text)")
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One report, with its payload once built.")
        @OptionGroup var options: AdminOptions
        @Argument var id: String

        func run() async throws {
            let client = try options.client
            let report = try await client.send("GET", "/api/v1/callbacks/\(id.pathSegment)")
            client.output(report) { report in
                for field in [
                    "id", "state", "url", "attempts", "next_attempt_at", "last_status", "last_error", "created_at",
                    "completed_at", "delivered_at", "webhook_id",
                ] {
                    print("\(field): \(CallbacksCommand.text(report[field]))")
                }
                print("commands: \((report["command_ids"]?.array ?? []).map(\.text).joined(separator: ", "))")
                if let payload = report["payload"], payload != .null {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                    print("payload:\n" + String(decoding: (try? encoder.encode(payload)) ?? Data(), as: UTF8.self))
                }
            }
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send a failed report again now.")
        @OptionGroup var options: AdminOptions
        @Argument var id: String

        func run() async throws {
            let client = try options.client
            let report = try await client.send("POST", "/api/v1/callbacks/\(id.pathSegment)/retry")
            client.output(report) { print("Report \($0["id"]?.text ?? "") is due now.") }
        }
    }
}
