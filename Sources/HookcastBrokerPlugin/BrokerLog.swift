import CMosquittoBroker
import Synchronization

/// The broker's log, for the plugin's own lines. Only on the broker's thread: mosquitto's log function may publish
/// on `$SYS` topics, which is not safe from another thread (other threads use `DeferredLog`). No line carries a
/// password or a credential.
enum BrokerLog {
    static func info(_ message: String) { hookcast_broker_log(Int32(MOSQ_LOG_INFO), message) }
    static func notice(_ message: String) { hookcast_broker_log(Int32(MOSQ_LOG_NOTICE), message) }
    static func warning(_ message: String) { hookcast_broker_log(Int32(MOSQ_LOG_WARNING), message) }
    static func error(_ message: String) { hookcast_broker_log(Int32(MOSQ_LOG_ERR), message) }
}

/// Lines written on another thread (the journal's), kept until the broker's thread logs them on its next tick or
/// callback.
final class DeferredLog: Sendable {
    private let lines = Mutex<[String]>([])

    /// Any thread.
    func append(_ line: String) {
        lines.withLock { $0.append(line) }
    }

    /// The broker's thread: takes the lines out under the lock and logs them after releasing it.
    func drain() {
        let taken = lines.withLock { lines -> [String] in
            defer { lines.removeAll() }
            return lines
        }
        for line in taken { BrokerLog.notice(line) }
    }
}
