import Foundation

/// A broker from the shipped configuration with, beside its plain listener, a TLS listener on a second free port.
public final class TLSTestBroker: Sendable {
    public let broker: TestBroker
    public let tlsPort: Int
    public var plainPort: Int { broker.port }

    /// Serves `certificate` (the CA's own broker certificate by default). With `requireClientCertificate`, a client
    /// must present a certificate from `ca`.
    public init(
        ca: DevelopmentCA,
        certificate: (certificate: URL, key: URL)? = nil,
        requireClientCertificate: Bool = false
    ) async throws {
        let tlsPort = try FreePort.find()
        let served = certificate ?? (ca.serverCertificate, ca.serverKey)
        // `per_listener_settings false` in broker.conf: these lines after `listener` are the TLS listener's own,
        // the access-control settings stay global. The tests are about TLS: the open variant lets them in anonymously.
        broker = try await TestBroker(extraConfiguration: [
            "listener \(tlsPort) 127.0.0.1",
            "cafile \(ca.caCertificate.path)",
            "certfile \(served.certificate.path)",
            "keyfile \(served.key.path)",
            "tls_version tlsv1.2",
            "require_certificate \(requireClientCertificate)",
        ])
        self.tlsPort = tlsPort
        try await waitUntilListening()
    }

    /// Starts the broker again after `stop()` or `kill()`, waiting for both listeners.
    public func restart() async throws {
        try await broker.start()
        try await waitUntilListening()
    }

    private func waitUntilListening() async throws {
        // mosquitto opens its listeners one after the other; the plain one answering says nothing of this one.
        try await FreePort.waitUntilListening(port: tlsPort, timeout: .seconds(30))
    }
}
