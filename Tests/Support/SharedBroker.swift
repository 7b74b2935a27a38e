import Foundation

/// The broker most tests share. scripts/test starts one and names its port in `HOOKCAST_TEST_MQTT_PORT`;
/// a plain `swift test` without it gets one started here, owned by this test process.
public enum SharedBroker {
    public static var host: String { "127.0.0.1" }

    public static var port: Int {
        get throws {
            if let value = ProcessInfo.processInfo.environment["HOOKCAST_TEST_MQTT_PORT"], let port = Int(value) {
                return port
            }
            return try ownBroker.get().port
        }
    }

    private static let ownBroker: Result<TestBroker, any Error> = Result {
        let broker = try TestBroker()
        atexit { SharedBroker.stopOwnBroker() }
        return broker
    }

    private static func stopOwnBroker() {
        // At exit Foundation can no longer wait for a child; a signal by pid is all that is needed.
        if case .success(let broker) = ownBroker, let pid = broker.pid { kill(pid, SIGTERM) }
    }
}
