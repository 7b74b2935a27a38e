extension MQTTClient {
    /// Encrypts the connection with TLS (1.2 or later) and checks the broker's certificate.
    ///
    /// libmosquitto reads the files on every connection attempt, its own reconnects included: replaced files take
    /// effect at the next reconnect, and a connection already open goes on with what it was set up with.
    public struct TLSConfiguration: Sendable, Hashable {
        /// The certificate authorities whose certificates the client accepts from the broker.
        public enum TrustedCertificates: Sendable, Hashable {
            /// A PEM file with one or more CA certificates.
            case file(String)
            /// A directory of PEM CA certificates named by subject hash (as `openssl rehash` leaves them).
            case directory(String)
        }

        /// The client's own certificate, for a broker that asks for one (`require_certificate true`).
        public struct ClientCertificate: Sendable, Hashable {
            /// PEM certificate (chain) file.
            public var certificateFile: String
            /// PEM private key file, unencrypted: a service cannot answer a passphrase prompt.
            public var keyFile: String

            public init(certificateFile: String, keyFile: String) {
                self.certificateFile = certificateFile
                self.keyFile = keyFile
            }
        }

        public var trustedCertificates: TrustedCertificates
        public var clientCertificate: ClientCertificate?
        /// Whether the broker's certificate must name the host connected to. Turning it off lets anyone holding
        /// any certificate from the trusted authorities pose as the broker; for tests and lab set-ups only.
        public var verifiesHostName: Bool

        public init(
            trusting trustedCertificates: TrustedCertificates,
            clientCertificate: ClientCertificate? = nil,
            verifiesHostName: Bool = true
        ) {
            self.trustedCertificates = trustedCertificates
            self.clientCertificate = clientCertificate
            self.verifiesHostName = verifiesHostName
        }

        /// Every file and directory named, with what it is for, in the order libmosquitto loads them.
        var namedFiles: [(role: TLSFileRole, path: String)] {
            var files: [(role: TLSFileRole, path: String)]
            switch trustedCertificates {
            case .file(let path): files = [(.caFile, path)]
            case .directory(let path): files = [(.caDirectory, path)]
            }
            if let clientCertificate {
                files.append((.clientCertificate, clientCertificate.certificateFile))
                files.append((.clientKey, clientCertificate.keyFile))
            }
            return files
        }

        func validate() throws(MQTTError) {
            for (role, path) in namedFiles where path.isEmpty {
                throw .invalidConfiguration("the TLS \(role) path is empty")
            }
        }
    }
}

/// What a file named in a `TLSConfiguration` is for; used in error messages.
public enum TLSFileRole: String, Sendable, Hashable, CustomStringConvertible {
    case caFile = "CA certificate file"
    case caDirectory = "CA certificate directory"
    case clientCertificate = "client certificate"
    case clientKey = "client key"

    public var description: String { rawValue }
}
