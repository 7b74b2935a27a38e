import Foundation

/// A certificate authority made by `scripts/dev-ca` in a private directory, with the broker certificate it issues
/// (for localhost, 127.0.0.1 and ::1), and further certificates on demand. The directory goes with the object.
public final class DevelopmentCA: Sendable {
    public let directory: URL

    /// Runs `scripts/dev-ca` (several `openssl` commands) and waits for it on a thread of its own, not on one of the
    /// concurrency pool's, which are as many as the cores and shared by every test running at the time.
    public init() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hookcast-ca-\(UUID().uuidString)")
        // World-searchable: mosquitto started as root reads the files as the `mosquitto` user.
        try FileManager.default.createDirectory(
            at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        try await Self.run(
            RepositoryFiles.root.appendingPathComponent("scripts/dev-ca").path, [directory.path], in: directory)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    public var caCertificate: URL { directory.appendingPathComponent("ca.crt") }
    public var serverCertificate: URL { directory.appendingPathComponent("server.crt") }
    public var serverKey: URL { directory.appendingPathComponent("server.key") }

    /// A certificate from this CA naming only `subjectAltNames` (`DNS:…`, `IP:…`; none for a client), written to
    /// `name.crt` and `name.key`.
    public func issueCertificate(
        named name: String, subjectAltNames: [String] = [], forClient: Bool = false
    ) async throws -> (certificate: URL, key: URL) {
        let certificate = directory.appendingPathComponent("\(name).crt")
        let key = directory.appendingPathComponent("\(name).key")
        let request = directory.appendingPathComponent("\(name).csr")
        let extensions = directory.appendingPathComponent("\(name).ext")
        var lines = [
            "basicConstraints = critical, CA:FALSE", "keyUsage = critical, digitalSignature",
            "extendedKeyUsage = \(forClient ? "clientAuth" : "serverAuth")",
        ]
        if !subjectAltNames.isEmpty { lines.append("subjectAltName = \(subjectAltNames.joined(separator: ", "))") }
        try (lines.joined(separator: "\n") + "\n").write(to: extensions, atomically: true, encoding: .utf8)
        try await run(
            "openssl", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key.path])
        try await run("openssl", ["req", "-new", "-key", key.path, "-subj", "/CN=\(name)", "-out", request.path])
        try await run(
            "openssl",
            [
                "x509", "-req", "-in", request.path, "-CA", caCertificate.path, "-CAkey",
                directory.appendingPathComponent("ca.key").path, "-set_serial", "\(UInt32.random(in: 1...UInt32.max))",
                "-days", "30", "-sha256", "-extfile", extensions.path, "-out", certificate.path,
            ])
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: key.path)
        if getuid() == 0 {
            try? FileManager.default.setAttributes([.groupOwnerAccountName: "mosquitto"], ofItemAtPath: key.path)
        }
        return (certificate, key)
    }

    private func run(_ executable: String, _ arguments: [String]) async throws {
        try await Self.run(executable, arguments, in: directory)
    }

    private static func run(_ executable: String, _ arguments: [String], in directory: URL) async throws {
        let log = directory.appendingPathComponent("commands.log")
        let process = try ChildProcess(
            executable: executable, arguments: arguments, directory: directory, logFile: log)
        let status = await process.exitStatus()
        guard status == 0 else {
            let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            throw DevelopmentCAError.commandFailed(command: ([executable] + arguments).joined(separator: " "), output)
        }
    }
}

public enum DevelopmentCAError: Error, CustomStringConvertible {
    case commandFailed(command: String, String)

    public var description: String {
        switch self {
        case .commandFailed(let command, let output): return "`\(command)` failed:\n\(output)"
        }
    }
}
