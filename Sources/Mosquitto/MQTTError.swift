/// Everything the MQTT client can fail with, each with a sentence a person understands.
public enum MQTTError: Error, Sendable, Hashable, CustomStringConvertible {
    case invalidConfiguration(String)
    /// The TCP connection (or name look-up) failed before MQTT started.
    case connectFailed(host: String, port: Int, reason: String)
    /// A file or directory of the TLS configuration could not be read or loaded.
    case tlsFileUnusable(TLSFileRole, path: String, reason: String)
    /// The TLS handshake failed: the broker's certificate was not trusted or not for this host name, the port does
    /// not speak TLS, or the broker refused the client's certificate.
    case tlsHandshakeFailed(host: String, port: Int, reason: String)
    /// No CONNACK arrived in time.
    case connectTimedOut(host: String, port: Int, after: Duration)
    /// The broker answered CONNACK with a failure, e.g. bad credentials.
    case connectionRefused(MQTTReasonCode)
    /// The call waited for a connection and none came.
    case notConnected(waited: Duration)
    case publishRejected(topic: String, MQTTReasonCode)
    case subscribeRejected(filter: String, MQTTReasonCode)
    /// The broker did not acknowledge within the acknowledgement timeout; the message may or may not have arrived.
    case acknowledgementTimedOut(after: Duration)
    case invalidTopic(String)
    case invalidTopicFilter(String)
    case payloadTooLarge(bytes: Int)
    /// `connect()` was called on a client that is already connecting or connected.
    case alreadyConnected
    /// The client was disconnected by its owner while the call was waiting.
    case clientClosed
    /// An `MQTTClientPool` cannot hold this many clients: each needs three descriptors and the process may open
    /// no more than `descriptorLimit`.
    case tooManyClients(requested: Int, descriptorLimit: Int)
    /// Any other libmosquitto error.
    case library(code: Int32, message: String)

    public var description: String {
        switch self {
        case .invalidConfiguration(let reason):
            return "Invalid MQTT configuration: \(reason)."
        case .connectFailed(let host, let port, let reason):
            return "Could not connect to the MQTT broker at \(host):\(port): \(reason)."
        case .tlsFileUnusable(let role, let path, let reason):
            return "The TLS \(role) '\(path)' cannot be used: \(reason)."
        case .tlsHandshakeFailed(let host, let port, let reason):
            return "The TLS handshake with the MQTT broker at \(host):\(port) failed: \(reason)."
        case .connectTimedOut(let host, let port, let after):
            return "The MQTT broker at \(host):\(port) did not complete the connection within \(after)."
        case .connectionRefused(let code):
            return "The MQTT broker refused the connection: \(code)."
        case .notConnected(let waited):
            return "Not connected to the MQTT broker (waited \(waited) for the connection to return)."
        case .publishRejected(let topic, let code):
            return "The MQTT broker rejected the message on '\(topic)': \(code)."
        case .subscribeRejected(let filter, let code):
            return "The MQTT broker rejected the subscription to '\(filter)': \(code)."
        case .acknowledgementTimedOut(let after):
            return "The MQTT broker did not acknowledge within \(after); delivery is unknown."
        case .invalidTopic(let topic):
            return "'\(topic)' is not a valid MQTT topic to publish to (empty, wildcard, NUL or too long)."
        case .invalidTopicFilter(let filter):
            return "'\(filter)' is not a valid MQTT topic filter."
        case .payloadTooLarge(let bytes):
            return "A payload of \(bytes) bytes is larger than MQTT allows."
        case .alreadyConnected:
            return "The MQTT client is already connecting or connected."
        case .clientClosed:
            return "The MQTT client was closed."
        case .tooManyClients(let requested, let limit):
            return """
                \(requested) MQTT clients need about \(requested * 3) open files, more than this process may open \
                (\(limit)); raise the limit (`ulimit -n`, as root) or run fewer clients per process.
                """
        case .library(let code, let message):
            return "libmosquitto error \(code): \(message)."
        }
    }
}
