extension MQTTClient.Configuration {
    /// libmosquitto logs each entry of OpenSSL's error queue as a line of its own.
    static func isOpenSSLError(_ line: String) -> Bool {
        line.hasPrefix("OpenSSL Error")
    }

    /// The error for a failed TLS set-up or handshake, from the lines libmosquitto logged: the line naming a file
    /// it could not load, and OpenSSL's reasons ("error:0A000086:SSL routines::certificate verify failed").
    func tlsFailure(from lines: [String]) -> MQTTError {
        let openSSLReasons = lines.filter(Self.isOpenSSLError).compactMap { line in
            line.split(separator: ":", omittingEmptySubsequences: false).last.map {
                String($0.drop { $0 == " " })
            }
        }
        let reason =
            openSSLReasons.isEmpty
            ? (lines.last ?? "libmosquitto reported a TLS error without details")
            : openSSLReasons.joined(separator: "; ")
        if let tls {
            if let file = tls.namedFiles.first(where: { file in lines.contains { $0.contains("\"\(file.path)\"") } }) {
                return .tlsFileUnusable(file.role, path: file.path, reason: reason)
            }
            if let clientCertificate = tls.clientCertificate, lines.contains(where: { $0.contains("inconsistent") }) {
                return .tlsFileUnusable(
                    .clientKey, path: clientCertificate.keyFile,
                    reason: "it is not the key of the client certificate '\(clientCertificate.certificateFile)'")
            }
        }
        return .tlsHandshakeFailed(host: host, port: port, reason: reason)
    }

    /// A connection that ended before CONNACK; a plain client on a TLS port ends so, at once or on the first read.
    func lostBeforeCONNACK(_ reason: String, tlsErrors: [String]) -> MQTTError {
        if tlsErrors.contains(where: Self.isOpenSSLError) { return tlsFailure(from: tlsErrors) }
        let hint = tls == nil ? " (a TLS listener closes plain-text connections so)" : ""
        return .connectFailed(host: host, port: port, reason: "\(reason) before the broker answered\(hint)")
    }
}
