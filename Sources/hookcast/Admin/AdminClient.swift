import ArgumentParser
import AsyncHTTPClient
import Foundation
import HookcastProtocol
import HookcastServer
import NIOCore
import NIOHTTP1

/// Options every admin subcommand shares.
struct AdminOptions: ParsableArguments {
    @Option(help: "Gateway URL (HOOKCAST_SERVER).")
    var server: String = Environment.value("HOOKCAST_SERVER") ?? "http://127.0.0.1:8080"

    @Option(help: "Admin API token; shows in `ps` and shell history: prefer --token-file or HOOKCAST_ADMIN_TOKEN.")
    var token: String?

    @Option(
        name: .customLong("token-file"),
        help: "File holding the admin API token, or - to read it from standard input.")
    var tokenFile: String?

    @Flag(help: "Print the server's JSON answer, for scripts.")
    var json = false

    var client: AdminClient {
        get throws {
            let token = try SecretInput.choose(
                value: token, file: tokenFile, variable: "HOOKCAST_ADMIN_TOKEN", what: "admin token",
                flags: ("--token", "--token-file"))
            return AdminClient(server: server, token: token, printJSON: json)
        }
    }
}

/// Talks to a running gateway's admin API.
struct AdminClient: Sendable {
    let server: String
    let token: String?
    let printJSON: Bool

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Sends the request; a non-2xx answer becomes an error carrying the server's own sentence.
    @discardableResult
    func send(
        _ method: String, _ path: String, body: JSONValue? = nil, headers: [String: String] = [:],
        file: (data: Data, contentType: String)? = nil
    ) async throws -> JSONValue {
        guard let url = URL(string: server.trimmingSuffix("/") + path) else {
            throw Failure(description: "'\(server)' is not a valid server URL.")
        }
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = HTTPMethod(rawValue: method)
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
        // An import creates each new device's broker account, tens of milliseconds apiece in a fleet of thousands:
        // minutes, not the 60 s of every other call.
        var timeout = TimeAmount.seconds(60)
        if let body {
            request.headers.replaceOrAdd(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(body)))
        } else if let file {
            request.headers.replaceOrAdd(name: "Content-Type", value: file.contentType)
            request.body = .bytes(ByteBuffer(bytes: file.data))
            timeout = .seconds(3600)
        }
        let status: Int
        let data: Data
        do {
            let response = try await OutboundHTTP.followingRedirects.execute(request, timeout: timeout)
            status = Int(response.status.code)
            data = Data(try await response.body.collect(upTo: 256 << 20).readableBytesView)
        } catch {
            throw Failure(description: "Could not reach \(server): \(OutboundHTTP.reason(for: error)).")
        }
        let answer = data.isEmpty ? JSONValue.null : (try? JSONDecoder().decode(JSONValue.self, from: data)) ?? .null
        guard (200..<300).contains(status) else {
            let detail = answer["detail"]?.text ?? String(decoding: data, as: UTF8.self)
            throw Failure(description: "\(status): \(detail)")
        }
        return answer
    }

    /// Prints `value` as JSON when --json was given, else runs `human`.
    func output(_ value: JSONValue, human: (JSONValue) -> Void) {
        if printJSON {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: (try? encoder.encode(value)) ?? Data(), as: UTF8.self))
        } else {
            human(value)
        }
    }

    /// Prints the `items` of a list answer as aligned columns.
    func table(_ value: JSONValue, columns: [(String, @Sendable (JSONValue) -> String)]) {
        output(value) { value in
            let rows = (value["items"]?.array ?? []).map { item in columns.map { $0.1(item) } }
            let widths = columns.indices.map { index in
                max(columns[index].0.count, rows.map { $0[index].count }.max() ?? 0)
            }
            func line(_ cells: [String]) -> String {
                zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }
                    .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
            }
            print(line(columns.map { $0.0.uppercased() }))
            rows.forEach { print(line($0)) }
        }
    }
}

extension JSONValue {
    subscript(_ key: String) -> JSONValue? {
        if case .object(let fields) = self { return fields[key] }
        return nil
    }

    var array: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    /// A short human rendering of a field.
    var text: String {
        switch self {
        case .null: return "-"
        case .bool(let value): return value ? "yes" : "no"
        case .number(let value): return value.rounded() == value ? String(Int64(value)) : String(value)
        case .string(let value): return value
        case .array(let items): return items.map(\.text).joined(separator: ",")
        case .object:
            return String(decoding: (try? JSONEncoder().encode(self)) ?? Data(), as: UTF8.self)
        }
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }

    /// Escapes a path segment.
    var pathSegment: String {
        addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? self
    }
}
