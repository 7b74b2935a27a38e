import Foundation
import HookcastProtocol

/// How simulated devices log in to the broker. The user name is always the device id.
public enum FleetCredentials: Sendable, Equatable {
    /// An open broker.
    case none
    /// One password for every device (tests, brokers set up so).
    case shared(password: String)
    /// `<directory>/<device id>.password` for each device, as `hookcast devices import --passwords-dir` writes them.
    case perDevice(directory: URL)

    /// The user name and password for `device`, or nil for none.
    func login(for device: DeviceID) throws(FleetError) -> (username: String, password: String)? {
        switch self {
        case .none:
            return nil
        case .shared(let password):
            return (device.rawValue, password)
        case .perDevice(let directory):
            let file = directory.appendingPathComponent("\(device.rawValue).password")
            let password: String
            do {
                password = try String(contentsOf: file, encoding: .utf8)
                    .trimmingCharacters(in: .whitespacesAndNewlines)
            } catch {
                throw .passwordUnreadable(path: file.path, reason: "\(error.localizedDescription)")
            }
            guard !password.isEmpty else { throw .passwordUnreadable(path: file.path, reason: "the file is empty") }
            return (device.rawValue, password)
        }
    }
}
