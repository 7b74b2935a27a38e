import Foundation
import HookcastBrokerAccess
import HookcastProtocol
import HookcastTestSupport
import Testing

/// The plugin's options, its start-up and SIGHUP, and what the built library needs from the broker.
@Suite("Broker plugin: configuration and loading", .serialized)
struct PluginLifecycleTests {
    @Test("SIGHUP reads the gateway accounts file again: a new gateway account may send requests")
    func reloadGatewayAccounts() async throws {
        let broker = try await PluginBroker()
        let second = (username: "second-gateway", password: UUID().uuidString)
        let request = #"{"commands":[{"command":"digest"}]}"#
        try broker.writeGatewayAccounts(
            "\(PluginBroker.gatewayName):\(StoredCredential(password: broker.gatewayPassword).hex)\n"
                + "\(second.username):\(StoredCredential(password: second.password).hex)\n")
        let pid = try #require(broker.broker.pid)
        kill(pid, SIGHUP)
        try await withTimeout(.seconds(60), "the broker logs the reload") {
            while !broker.broker.log.contains("2 gateway accounts read again") {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        let (_, response) = try await broker.control(request, as: second)
        #expect(
            response.results == [
                BrokerControlResult(
                    command: "digest", count: 0, digest: BrokerAccountDigest().hex, topicPrefix: testTopics.root)
            ])
        // An unreadable file on SIGHUP keeps the accounts read before.
        try broker.writeGatewayAccounts("broken line\n")
        kill(pid, SIGHUP)
        try await withTimeout(.seconds(60), "the broker logs the failed reload") {
            while !broker.broker.log.contains("the gateway accounts read before stay") {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        #expect(try await broker.control(request, as: second).response.results.first?.error == nil)
        #expect(!broker.broker.log.contains(second.password))
    }

    @Test("A broken gateway accounts file stops the broker from starting, naming the line but not its content")
    func brokenGatewayAccounts() async throws {
        let credential = StoredCredential(password: "x").hex
        do {
            _ = try await PluginBroker(gatewayAccounts: "ok:\(credential)\nbroken \(credential)\n")
            Issue.record("the broker started with a broken gateway accounts file")
        } catch TestBrokerError.brokerNotListening(_, let log) {
            #expect(log.contains("line 2 is not"), "\(log)")
            #expect(!log.contains(credential))
        }
    }

    @Test("other_accounts defer: a password_file account logs in beside the plugin's, which the plugin still decides")
    func deferOtherAccounts() async throws {
        let files = FileManager.default.temporaryDirectory.appendingPathComponent(
            "hookcast-passwd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: files, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: files) }
        let passwordFile = files.appendingPathComponent("passwords")
        // A throwaway password of a throwaway file: -b (password on the command line) is fine here.
        _ = try await MosquittoClient.run("mosquitto_passwd", ["-c", "-b", passwordFile.path, "operator", "op-secret"])
        if getuid() == 0 {
            try FileManager.default.setAttributes([.posixPermissions: 0o711], ofItemAtPath: files.path)
            try FileManager.default.setAttributes([.ownerAccountName: "mosquitto"], ofItemAtPath: passwordFile.path)
        }
        let broker = try await PluginBroker(extraConfiguration: [
            "plugin_opt_other_accounts defer", "password_file \(passwordFile.path)",
            "plugin_opt_other_accounts_file \(passwordFile.path)",
        ])
        _ = try await broker.control(.putDevices([try .make("panel-1", password: "p1")]))
        // The password file's user is not the plugin's to create: no device account takes the operator's name.
        let takeOver = try await broker.control(.putDevices([try .make("operator", password: "mine-now")]))
        #expect(takeOver.first?.taken == [try DeviceID("operator")], "\(takeOver)")
        let topic = "\(testTopics.root)/devices/panel-1/acks"
        let operatorClient = try await MosquittoSubscriber(
            port: broker.port, username: "operator", password: "op-secret", clientID: "operator-tool",
            filters: [topic])
        #expect(operatorClient.output.contains("received SUBACK"), "\(operatorClient.output)")
        let wrong = try await MosquittoSubscriber(
            port: broker.port, username: "operator", password: "wrong", clientID: "operator-tool-2", filters: [topic])
        #expect(!wrong.output.contains("received SUBACK"))
        // The plugin's own accounts are never deferred: a wrong password or client id stays refused.
        let device = try await broker.subscriber(
            "panel-1", password: "p1", filters: ["\(testTopics.root)/devices/panel-1/commands"])
        #expect(device.output.contains("received SUBACK"))
        let takeover = try await MosquittoSubscriber(
            port: broker.port, username: "panel-1", password: "p1", clientID: "operator-tool-3", filters: [topic])
        #expect(!takeover.output.contains("received SUBACK"))
    }

    @Test(
        "The plugin needs nothing from the system but the C libraries and the broker's mosquitto_* functions",
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/nm")))
    func undefinedSymbols() async throws {
        let output = try await MosquittoClient.runProgram(
            "/usr/bin/nm", ["-D", "--undefined-only", try PluginBroker.pluginPath()])
        let unexpected = output.split(separator: "\n").compactMap { line -> Substring? in
            guard let name = line.split(separator: " ").last else { return nil }
            if name.hasPrefix("mosquitto_") { return nil }
            if ["@GLIBC_", "@GLIBCXX_", "@CXXABI_", "@GCC_"].contains(where: { name.contains($0) }) { return nil }
            // Weak references the loader may leave unresolved (gmon, transactional memory, BoringSSL's hooks).
            if line.contains(" w ") { return nil }
            return name
        }
        #expect(unexpected.isEmpty, "undefined symbols the broker does not provide: \(unexpected.prefix(20))")
        #expect(output.contains("mosquitto_broker_publish"))
    }

    /// mosquitto dlcloses its plugins when it exits; the Swift runtime and Dispatch inside the plugin cannot be
    /// unloaded, and a thread of theirs still running then crashed the broker now and then (SIGSEGV at an address of
    /// the unmapped library, after a normal SIGTERM: about 1 exit in 20 with a deferred account connected).
    @Test(
        "The plugin is marked NODELETE, so mosquitto's dlclose at exit leaves it mapped",
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/readelf")))
    func neverUnloaded() async throws {
        let output = try await MosquittoClient.runProgram("/usr/bin/readelf", ["-d", try PluginBroker.pluginPath()])
        let flags = output.split(separator: "\n").filter { $0.contains("FLAGS_1") }
        #expect(flags.contains { $0.contains("NODELETE") }, "\(output)")
    }
}
