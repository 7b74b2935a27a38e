import ArgumentParser
import HookcastProtocol

extension KeysCommand {
    /// `hookcast keys callback ID --callback-url URL | --clear | --rotate`.
    struct Callback: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set, change or remove where delivery reports of the key's calls go; rotate their secret.")
        @OptionGroup var options: AdminOptions
        @Argument var id: String
        @Option(name: .customLong("callback-url"), help: "The receiver's http(s) URL.") var callbackURL: String?
        @Flag(help: "Remove the callback.") var clear = false
        @Flag(help: "Make a new signing secret (printed once).") var rotate = false

        func run() async throws {
            guard callbackURL != nil || clear || rotate else {
                throw ValidationError("Give --callback-url, --clear or --rotate.")
            }
            guard !(clear && callbackURL != nil) else {
                throw ValidationError("--clear and --callback-url exclude each other.")
            }
            var body: [String: JSONValue] = [:]
            if let callbackURL { body["callback_url"] = .string(callbackURL) }
            if clear { body["callback_url"] = .null }
            if rotate { body["rotate_callback_secret"] = .bool(true) }
            let client = try options.client
            let key = try await client.send("PATCH", "/api/v1/keys/\(id.pathSegment)", body: .object(body))
            client.output(key) {
                let url = $0["callback_url"].flatMap { $0 == .null ? nil : $0.text }
                print("Key \($0["id"]?.text ?? ""): reports go to \(url ?? "nowhere")")
                if let secret = $0["callback_secret"]?.text { print("Callback signing secret (shown once): \(secret)") }
            }
        }
    }
}
