import Foundation
import HookcastCore
import HookcastTestSupport
import Testing

@testable import HookcastServer

/// Issue 15, finding 8: secrets reach the CLI through files or standard input, never needing argv (which `ps`
/// shows); the data directory and the token's hash are private.
@Suite("Secrets stay off command lines, and the data directory is private")
struct CommandLineSecretTests {
    /// Runs `script` with /bin/sh, `hookcast` on `$HOOKCAST`, and returns its output and exit status. Secrets go in
    /// through `environment` (of the shell, not of hookcast's argv).
    static func shell(_ script: String, environment: [String: String] = [:]) async throws -> (
        output: String, status: Int
    ) {
        let directory = GatewayHarness.temporaryDirectory()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = directory.appendingPathComponent("output.log")
        var variables = environment
        variables["HOOKCAST"] = try HookcastExecutable.url().path
        let process = try ChildProcess(
            executable: "/bin/sh", arguments: ["-c", script + "\necho \"exit=$?\""], environment: variables,
            directory: directory, logFile: log)
        try await withTimeout(.seconds(120), "hookcast command") {
            while process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
        }
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        let status = output.split(separator: "\n").last { $0.hasPrefix("exit=") }.flatMap { Int($0.dropFirst(5)) }
        return (output, status ?? -1)
    }

    static func privateFile(_ secret: String) throws -> URL {
        let url = GatewayHarness.temporaryDirectory().appendingPathExtension("secret")
        try Data((secret + "\n").utf8).write(to: url)
        chmod(url.path, 0o600)
        return url
    }

    @Test("The admin CLI reads the token from --token-file or from standard input with --token-file -")
    func adminTokenFromFileAndStandardInput() async throws {
        try await InProcessGateway.run(.live) { gateway in
            let server = "http://127.0.0.1:\(try #require(gateway.port))"
            let key = try await gateway.createKey(name: "from-cli")
            let tokenFile = try Self.privateFile(GatewayHarness.adminToken)
            defer { try? FileManager.default.removeItem(at: tokenFile) }

            let fromFile = try await Self.shell(
                #""$HOOKCAST" keys list --server "$SERVER" --token-file "$TOKEN_FILE" --json"#,
                environment: ["SERVER": server, "TOKEN_FILE": tokenFile.path])
            #expect(fromFile.status == 0, "\(fromFile.output)")
            #expect(fromFile.output.contains(key.id))

            let fromStandardInput = try await Self.shell(
                #"printf '%s\n' "$ADMIN" | "$HOOKCAST" keys list --server "$SERVER" --token-file - --json"#,
                environment: ["SERVER": server, "ADMIN": GatewayHarness.adminToken])
            #expect(fromStandardInput.status == 0, "\(fromStandardInput.output)")
            #expect(fromStandardInput.output.contains(key.id))

            let both = try await Self.shell(
                #""$HOOKCAST" keys list --server "$SERVER" --token x --token-file "$TOKEN_FILE""#,
                environment: ["SERVER": server, "TOKEN_FILE": tokenFile.path])
            #expect(both.status != 0)
            #expect(both.output.contains("not both"))

            let empty = try await Self.shell(
                #"printf '' | "$HOOKCAST" keys list --server "$SERVER" --token-file -"#,
                environment: ["SERVER": server])
            #expect(empty.status != 0)
            #expect(empty.output.contains("admin token in standard input is empty"))
        }
    }

    @Test("hookcast trigger reads the API key from --key-file or standard input")
    func triggerKeyFromFileAndStandardInput() async throws {
        try await InProcessGateway.run(.live) { gateway in
            let server = "http://127.0.0.1:\(try #require(gateway.port))"
            #expect(try await gateway.admin(.post, "devices", #"{"id":"cli-screen"}"#).status == .created)
            #expect(
                try await gateway.admin(
                    .post, "actions",
                    #"{"event_id":"cli-refresh","function":"refresh_content","target":{"kind":"device","id":"cli-screen"}}"#
                ).status == .created)
            let key = try await gateway.createKey()
            let keyFile = try Self.privateFile(key.secret)
            defer { try? FileManager.default.removeItem(at: keyFile) }

            let fromFile = try await Self.shell(
                #""$HOOKCAST" trigger --server "$SERVER" --key-file "$KEY_FILE" --json cli-refresh"#,
                environment: ["SERVER": server, "KEY_FILE": keyFile.path])
            #expect(fromFile.status == 0, "\(fromFile.output)")
            #expect(fromFile.output.contains("command_id"))

            let fromStandardInput = try await Self.shell(
                #"printf '%s\n' "$KEY" | "$HOOKCAST" trigger --server "$SERVER" --key-file - --json cli-refresh"#,
                environment: ["SERVER": server, "KEY": key.secret])
            #expect(fromStandardInput.status == 0, "\(fromStandardInput.output)")
            #expect(fromStandardInput.output.contains("command_id"))

            let missing = try await Self.shell(
                #""$HOOKCAST" trigger --server "$SERVER" --key-file /nonexistent/key cli-refresh"#,
                environment: ["SERVER": server])
            #expect(missing.status != 0)
            #expect(missing.output.contains("Cannot read the API key from /nonexistent/key"))
        }
    }

    @Test("hookcast admin rotate-token prints a new 32+ character token once and the gateway's data directory takes it")
    func rotateTokenCommand() async throws {
        let directory = GatewayHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try AdminToken.loadOrCreate(dataDirectory: directory, fromEnvironment: GatewayHarness.adminToken)
        let rotated = try await Self.shell(
            #""$HOOKCAST" admin rotate-token --data-dir "$DATA""#, environment: ["DATA": directory.path])
        #expect(rotated.status == 0, "\(rotated.output)")
        let token = try #require(rotated.output.split(separator: "\n").first.map(String.init))
        #expect(token.count >= AdminToken.minimumLength)
        let loaded = try AdminToken.loadOrCreate(dataDirectory: directory, fromEnvironment: nil)
        #expect(loaded.token.matches(token))
        #expect(!loaded.token.matches(GatewayHarness.adminToken))

        let nowhere = try await Self.shell(
            #""$HOOKCAST" admin rotate-token --data-dir "$DATA/missing""#, environment: ["DATA": directory.path])
        #expect(nowhere.status != 0)
        #expect(nowhere.output.contains("There is no data directory"))
    }

    @Test("A new data directory is created 0700 and the admin token's hash 0600")
    func dataDirectoryIsPrivate() async throws {
        let directory = GatewayHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // The whole gateway as `hookcast serve` builds it (the in-process one skips the directory's creation).
        try await GatewayHarness.run(dataDirectory: directory, waitForBroker: false) { _ in }
        let attributes = try FileManager.default.attributesOfItem(atPath: directory.path)
        #expect(attributes[.posixPermissions] as? Int == 0o700)
        let token = directory.appendingPathComponent("admin-token.sha256")
        #expect(try FileManager.default.attributesOfItem(atPath: token.path)[.posixPermissions] as? Int == 0o600)
        #expect(DataDirectory.openMode(of: directory) == nil)
    }
}
