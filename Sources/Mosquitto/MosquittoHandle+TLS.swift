import CMosquitto

extension MosquittoHandle {
    /// OpenSSL's `SSL_VERIFY_PEER`, which `mosquitto_tls_opts_set` takes as a plain int (its header has no name
    /// for it, and this module does not import OpenSSL).
    private static let verifyPeer: Int32 = 1
    /// The oldest TLS version accepted; libmosquitto allows this one and every later one.
    private static let minimumTLSVersion = "tlsv1.2"

    /// Called from `configure()`, before any connection.
    func configureTLS(_ tls: MQTTClient.TLSConfiguration) throws(MQTTError) {
        // libmosquitto only says "invalid" when it cannot open a file; checking first names the file and why.
        for (role, path) in tls.namedFiles {
            if let reason = Self.unreadableReason(path, isDirectory: role == .caDirectory) {
                throw .tlsFileUnusable(role, path: path, reason: reason)
            }
        }
        var caFile: String?
        var caDirectory: String?
        switch tls.trustedCertificates {
        case .file(let path): caFile = path
        case .directory(let path): caDirectory = path
        }
        // With no passphrase callback OpenSSL would prompt on the terminal for an encrypted key, and the connect
        // would wait for ever; this one answers "no passphrase", so such a key fails to load instead.
        let code = mosquitto_tls_set(
            mosq, caFile, caDirectory, tls.clientCertificate?.certificateFile, tls.clientCertificate?.keyFile
        ) { _, _, _, _ in 0 }
        try check(code)
        try check(mosquitto_tls_opts_set(mosq, Self.verifyPeer, Self.minimumTLSVersion, nil))
        if !tls.verifiesHostName {
            try check(mosquitto_tls_insecure_set(mosq, true))
        }
    }

    /// Why `path` cannot be opened for reading, or nil when it can.
    private static func unreadableReason(_ path: String, isDirectory: Bool) -> String? {
        if isDirectory {
            guard let directory = opendir(path) else { return String(cString: strerror(cmosquitto_errno())) }
            closedir(directory)
        } else {
            guard let file = fopen(path, "r") else { return String(cString: strerror(cmosquitto_errno())) }
            fclose(file)
        }
        return nil
    }

    /// libmosquitto tells why TLS failed only in its log, so a TLS client records the error lines of each connection
    /// attempt. Not installed without TLS: with a log callback libmosquitto formats a line for every packet.
    func installTLSLogCallback() {
        mosquitto_log_callback_set(mosq) { _, userdata, level, line in
            guard level == MOSQ_LOG_ERR, let userdata, let line else { return }
            let handle = Unmanaged<MosquittoHandle>.fromOpaque(userdata).takeUnretainedValue()
            handle.recordTLSLogLine(String(cString: line))
        }
    }

    /// Also while connected: a connection that breaks logs OpenSSL's reason before libmosquitto reports it lost.
    /// The lines are cleared on every successful connection.
    private func recordTLSLogLine(_ line: String) {
        state.withLock { state in
            guard state.connection != .closed else { return }
            // A handful is all a message needs; a flapping connection must not grow the list without end.
            if state.tlsErrors.count < 8 { state.tlsErrors.append(line) }
        }
    }

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
        if let tls = configuration.tls {
            if let file = tls.namedFiles.first(where: { file in lines.contains { $0.contains("\"\(file.path)\"") } }) {
                return .tlsFileUnusable(file.role, path: file.path, reason: reason)
            }
            if let clientCertificate = tls.clientCertificate, lines.contains(where: { $0.contains("inconsistent") }) {
                return .tlsFileUnusable(
                    .clientKey, path: clientCertificate.keyFile,
                    reason: "it is not the key of the client certificate '\(clientCertificate.certificateFile)'")
            }
        }
        return .tlsHandshakeFailed(host: configuration.host, port: configuration.port, reason: reason)
    }
}
