import ArgumentParser
import Foundation
import HookcastCore
import HookcastProtocol

struct DevicesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices", abstract: "Registered devices: list, create, import, delete, new broker password.",
        subcommands: [List.self, Create.self, Import.self, Password.self, Delete.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register many devices at once from a CSV (id,name,groups,tags) or JSON file; safe to repeat.")
        @OptionGroup var options: AdminOptions
        @Argument(help: "A .csv file with a header line, or a .json array of {id, name, tags, groups}.")
        var file: String
        @Option(
            name: .customLong("passwords-dir"),
            help: "Write each created device's broker password to DIR/<id>.password (mode 0600) instead of printing it."
        )
        var passwordsDirectory: String?
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
                guard case .object(let passwords)? = outcome["mqtt_passwords"], !passwords.isEmpty else { return }
                for (device, password) in passwords.sorted(by: { $0.key < $1.key }) {
                    BrokerPasswordOutput.deliver(
                        password.text, of: device,
                        to: passwordsDirectory.map { "\($0)/\(device).password" })
                }
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
        @Option(
            name: .customLong("password-file"),
            help: "Write the device's broker password to this file (mode 0600) instead of printing it.")
        var passwordFile: String?
        func run() async throws {
            let client = try options.client
            var body: [String: JSONValue] = ["id": .string(id), "tags": .array(tags.map(JSONValue.string))]
            if let name { body["name"] = .string(name) }
            let device = try await client.send("POST", "/api/v1/devices", body: .object(body))
            client.output(device) { device in
                print("Created device \(device["id"]?.text ?? "")")
                if let password = device["mqtt_password"]?.text {
                    BrokerPasswordOutput.deliver(password, of: id, to: passwordFile)
                }
            }
        }
    }

    struct Password: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give a device a new broker password; the old one stops working at once.")
        @OptionGroup var options: AdminOptions
        @Argument(help: "Device id.") var id: String
        @Option(
            name: .customLong("password-file"),
            help: "Write the password to this file (mode 0600) instead of printing it.")
        var passwordFile: String?
        func run() async throws {
            let client = try options.client
            let answer = try await client.send("POST", "/api/v1/devices/\(id)/mqtt-password")
            client.output(answer) { answer in
                BrokerPasswordOutput.deliver(answer["mqtt_password"]?.text ?? "", of: id, to: passwordFile)
            }
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

/// Where a device's broker password goes: a private file for scripts, or the terminal, once.
enum BrokerPasswordOutput {
    static func deliver(_ password: String, of device: String, to path: String?) {
        guard let path else {
            print("Broker password of \(device) (shown once; user name \(device)): \(password)")
            return
        }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            print("Could not write \(path); broker password of \(device) (shown once): \(password)")
            return
        }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        handle.write(Data((password + "\n").utf8))
        print("Broker password of \(device) written to \(path)")
    }
}
