import Foundation
import HookcastCore
import HookcastProtocol
import Synchronization

/// Devices that came back online after being seen offline, since redelivery last looked. A returning device gets
/// what it is missing within moments, not at its next backoff step, which after a long absence can be minutes away.
final class DeviceReturns: Sendable {
    private struct State {
        /// The last presence heard from each device; a device first heard online (e.g. when the gateway starts)
        /// has not returned from anywhere.
        var online: [DeviceID: Bool] = [:]
        var returned: [DeviceID: Date] = [:]
    }

    private let state = Mutex(State())

    func observe(_ presence: [DevicePresence], at time: Date = Date()) {
        state.withLock { state in
            for update in presence {
                let before = state.online.updateValue(update.online, forKey: update.deviceID)
                if update.online && before == false { state.returned[update.deviceID] = time }
            }
        }
    }

    /// Takes the devices that returned at or before `cutoff`; later ones stay for the next look.
    func take(returnedBy cutoff: Date) -> Set<DeviceID> {
        state.withLock { state in
            let ready = state.returned.filter { $0.value <= cutoff }
            for device in ready.keys { state.returned[device] = nil }
            return Set(ready.keys)
        }
    }
}
