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

    private func recordTLSLogLine(_ line: String) {
        state.withLock { $0.recordTLSError(line) }
    }
}
