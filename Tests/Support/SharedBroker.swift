import Foundation

/// The broker most tests share: scripts/test starts one from broker.conf, owns it (stops it by pid when the run
/// ends) and names its port in `HOOKCAST_TEST_MQTT_PORT`.
public enum SharedBroker {
    public static var host: String { "127.0.0.1" }

    public static var port: Int {
        get throws {
            guard let value = ProcessInfo.processInfo.environment["HOOKCAST_TEST_MQTT_PORT"], let port = Int(value)
            else { throw SharedBrokerError.notStarted }
            return port
        }
    }
}

public enum SharedBrokerError: Error, CustomStringConvertible {
    case notStarted

    public var description: String {
        "HOOKCAST_TEST_MQTT_PORT is not set: run the tests with scripts/test (e.g. scripts/test --filter NAME), which "
            + "starts the shared broker, or start mosquitto from broker.conf yourself and set it"
    }
}
