import ArgumentParser
import Foundation
import HookcastCore

struct DevicesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices", abstract: "Registered devices: list, create, import, delete.",
        subcommands: [List.self, Create.self, Import.self, Delete.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register many devices at once from a CSV (id,name,groups,tags) or JSON file; safe to repeat.")
        @OptionGroup var options: AdminOptions
        @Argument(help: "A .csv file with a header line, or a .json array of {id, name, tags, groups}.")
        var file: String
        func run() async throws {
            let url = URL(fileURLWithPath: file)
            let data: Data
            do {
                data = try Data(contentsOf: url)
            } catch {
                throw ValidationError("Cannot read \(file): \(error.localizedDescription)")
            }
            let contentType = url.pathExtension.lowercased() == "csv" ? "text/csv" : "application/json"
            let client = try options.client
            let outcome = try await client.send("POST", "/api/v1/devices/import", file: (data, contentType))
            client.output(outcome) { outcome in
                let count = { (key: String) in outcome[key]?.text ?? "0" }
                print(
                    "Devices: \(count("created")) created, \(count("updated")) updated, \(count("unchanged")) unchanged; "
                        + "groups: \(count("groups_created")) created, \(count("groups_updated")) updated")
            }
        }
    }

    struct List: AsyncParsableCommand {
        @OptionGroup var options: AdminOptions
        func run() async throws {
            let client = try options.client
            client.table(
                try await client.send("GET", "/api/v1/devices"),
                columns: [
                    ("id", { $0["id"]?.text ?? "" }), ("name", { $0["name"]?.text ?? "" }),
                    ("tags", { $0["tags"]?.text ?? "" }),
                ])
        }
    }

    struct Create: AsyncParsableCommand {
        @OptionGroup var options: AdminOptions
        @Argument(help: "Device id: 1-64 of A-Z a-z 0-9 _ -; also its MQTT client id.") var id: String
        @Option var name: String?
        @Option(name: .customLong("tag"), help: "A tag (repeat for more).") var tags: [String] = []
        func run() async throws {
            let client = try options.client
            var body: [String: JSONValue] = ["id": .string(id), "tags": .array(tags.map(JSONValue.string))]
            if let name { body["name"] = .string(name) }
            let device = try await client.send("POST", "/api/v1/devices", body: .object(body))
            client.output(device) { print("Created device \($0["id"]?.text ?? "")") }
        }
    }

    struct Delete: AsyncParsableCommand {
        @OptionGroup var options: AdminOptions
        @Argument var id: String
        func run() async throws {
            try await options.client.send("DELETE", "/api/v1/devices/\(id.pathSegment)")
            if !options.json { print("Deleted device \(id)") }
        }
    }
}

struct GroupsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "groups", abstract: "Device groups: list, create, add and remove members, delete.",
        subcommands: [List.self, Create.self, Add.self, Remove.self, Delete.self])

    struct List: AsyncParsableCommand {
        @OptionGroup var options: AdminOptions
        func run() async throws {
            let client = try options.client
            client.table(
                try await client.send("GET", "/api/v1/groups"),
                columns: [
                    ("id", { $0["id"]?.text ?? "" }), ("name", { $0["name"]?.text ?? "" }),
                    ("members", { $0["members"]?.text ?? "" }),
                ])
        }
    }

    struct Create: AsyncParsableCommand {
        @OptionGroup var options: AdminOptions
        @Argument var id: String
        @Option var name: String?
        @Option(name: .customLong("member"), help: "A device id (repeat for more).") var members: [String] = []
        func run() async throws {
            let client = try options.client
            var body: [String: JSONValue] = ["id": .string(id), "members": .array(members.map(JSONValue.string))]
            if let name { body["name"] = .string(name) }
            let group = try await client.send("POST", "/api/v1/groups", body: .object(body))
            client.output(group) { print("Created group \($0["id"]?.text ?? "") with \($0["members"]?.text ?? "")") }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a device to a group.")
        @OptionGroup var options: AdminOptions
        @Argument var group: String
        @Argument var device: String
        func run() async throws {
            let client = try options.client
            let result = try await client.send(
                "PUT", "/api/v1/groups/\(group.pathSegment)/members/\(device.pathSegment)")
            client.output(result) { print("Group \(group): \($0["members"]?.text ?? "")") }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a device from a group.")
        @OptionGroup var options: AdminOptions
        @Argument var group: String
        @Argument var device: String
        func run() async throws {
            let client = try options.client
            let result = try await client.send(
                "DELETE", "/api/v1/groups/\(group.pathSegment)/members/\(device.pathSegment)")
            client.output(result) { print("Group \(group): \($0["members"]?.text ?? "")") }
        }
    }

    struct Delete: AsyncParsableCommand {
        @OptionGroup var options: AdminOptions
        @Argument var id: String
        func run() async throws {
            try await options.client.send("DELETE", "/api/v1/groups/\(id.pathSegment)")
            if !options.json { print("Deleted group \(id)") }
        }
    }
}
