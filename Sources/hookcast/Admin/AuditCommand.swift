import ArgumentParser
import Foundation
import HookcastProtocol

/// `hookcast audit list`: the audit log, newest first, a page at a time.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "The audit log: webhook calls, admin changes and cancels.",
        subcommands: [List.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The newest audit entries; --before the printed cursor for older ones.")
        @OptionGroup var options: AdminOptions
        @Option(help: "How many (1 to 500).") var limit = 20
        @Option(help: "Only one kind: trigger, admin or cancel.") var kind: String?
        @Option(help: "Only entries older than this id (the cursor printed after a page).") var before: String?

        func run() async throws {
            let client = try options.client
            var query = ["limit=\(limit)"]
            if let kind { query.append("kind=\(kind.pathSegment)") }
            if let before { query.append("before=\(before.pathSegment)") }
            let page = try await client.send("GET", "/api/v1/audit?" + query.joined(separator: "&"))
            client.table(
                page,
                columns: [
                    ("at", { $0["at"]?.text ?? "" }), ("kind", { $0["kind"]?.text ?? "" }),
                    ("who", { AuditCommand.who($0["actor"]) }), ("from", { $0["remote_address"]?.text ?? "" }),
                    ("what", { AuditCommand.what($0) }), ("answer", { AuditCommand.answer($0) }),
                ])
            if !options.json, let next = page["next_before"], next != .null {
                print("More: hookcast audit list --before \(next.text)")
            }
        }
    }

    static func who(_ actor: JSONValue?) -> String {
        switch actor?["type"]?.text {
        case "api_key": "key \(actor?["name"]?.text ?? "?") (\(actor?["id"]?.text ?? "?"))"
        case "console": "console \(actor?["id"]?.text ?? "")"
        case "admin_token": "admin token"
        case let other?: other
        case nil: "-"
        }
    }

    static func what(_ entry: JSONValue) -> String {
        if entry["kind"]?.text == "trigger" {
            let count = entry["count"]?.text ?? "1"
            let event = entry["event_id"].flatMap { $0 == .null ? nil : $0.text } ?? "(no event)"
            return count == "1" ? event : "\(event) x\(count) in one minute"
        }
        return [entry["operation"], entry["resource"], entry["resource_id"]]
            .compactMap { $0.flatMap { $0 == .null ? nil : $0.text } }.joined(separator: " ")
    }

    static func answer(_ entry: JSONValue) -> String {
        guard let status = entry["status"], status != .null else { return "done" }
        let error = entry["error"].flatMap { $0 == .null ? nil : $0.text }
        return "\(status.text)\(error.map { " \($0)" } ?? "")"
    }
}
