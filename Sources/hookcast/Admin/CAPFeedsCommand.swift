import ArgumentParser
import Foundation
import HookcastProtocol

/// `hookcast cap feeds`: the URLs the gateway polls for CAP alerts (docs/cap.md, "Feeds").
struct CAPFeedsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feeds", abstract: "The CAP feeds the gateway polls: list, add, delete, poll now.",
        subcommands: [List.self, Add.self, Delete.self, Poll.self])

    static let columns: [(String, @Sendable (JSONValue) -> String)] = [
        ("id", { $0["id"]?.text ?? "" }), ("url", { $0["url"]?.text ?? "" }),
        ("every", { "\($0["interval_seconds"]?.text ?? "") s" }), ("enabled", { $0["enabled"]?.text ?? "" }),
        ("last polled", { $0["last_polled_at"].flatMap { $0 == .null ? nil : $0.text } ?? "never" }),
        ("answer", { $0["last_status"].flatMap { $0 == .null ? nil : $0.text } ?? "-" }),
        ("alerts", { $0["alerts_received"]?.text ?? "0" }),
        ("problem", { $0["last_error"].flatMap { $0 == .null ? nil : $0.text } ?? "" }),
    ]

    struct List: AsyncParsableCommand {
        @OptionGroup var options: AdminOptions
        func run() async throws {
            let client = try options.client
            client.table(try await client.send("GET", "/api/v1/cap/feeds"), columns: CAPFeedsCommand.columns)
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Poll a URL for CAP alerts: one alert, or an Atom or RSS feed linking to alerts.")
        @OptionGroup var options: AdminOptions
        @Argument var id: String
        @Argument var url: String
        @Option(help: "Seconds between polls (10 to 86400).") var interval: Int?
        @Flag(help: "Add it switched off.") var disabled = false

        func run() async throws {
            var body: [String: JSONValue] = ["id": .string(id), "url": .string(url), "enabled": .bool(!disabled)]
            if let interval { body["interval_seconds"] = .number(Double(interval)) }
            let client = try options.client
            let feed = try await client.send("POST", "/api/v1/cap/feeds", body: .object(body))
            client.output(feed) {
                print(
                    "Added CAP feed \($0["id"]?.text ?? ""): polled at once, then every \($0["interval_seconds"]?.text ?? "") s"
                )
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        @OptionGroup var options: AdminOptions
        @Argument var id: String
        func run() async throws {
            try await options.client.send("DELETE", "/api/v1/cap/feeds/\(id.pathSegment)")
            if !options.json { print("Deleted CAP feed \(id)") }
        }
    }

    struct Poll: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Poll a feed now and show what it found.")
        @OptionGroup var options: AdminOptions
        @Argument var id: String
        func run() async throws {
            let client = try options.client
            let feed = try await client.send("POST", "/api/v1/cap/feeds/\(id.pathSegment)/poll")
            client.output(feed) { feed in
                let problem = feed["last_error"].flatMap { $0 == .null ? nil : $0.text }
                print(
                    "Polled \(feed["id"]?.text ?? ""): HTTP \(feed["last_status"]?.text ?? "-"), "
                        + "\(feed["alerts_received"]?.text ?? "0") alerts so far" + (problem.map { "; \($0)" } ?? ""))
            }
        }
    }
}
