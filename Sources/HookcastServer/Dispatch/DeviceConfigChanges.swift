import HookcastProtocol
import Synchronization

/// The devices whose config was asked for (a membership change, a deletion) while a publication was working from
/// memberships it had read earlier. Remembered only while one runs, so the set never outgrows the publications.
final class DeviceConfigChanges: Sendable {
    private struct State {
        var running = 0
        var changed: Set<DeviceID> = []
    }

    private let state = Mutex(State())

    func begin() {
        state.withLock { $0.running += 1 }
    }

    func end() {
        state.withLock {
            $0.running -= 1
            if $0.running == 0 { $0.changed = [] }
        }
    }

    func record(_ devices: [DeviceID]) {
        state.withLock {
            guard $0.running > 0 else { return }
            $0.changed.formUnion(devices)
        }
    }

    func changed(_ device: DeviceID) -> Bool {
        state.withLock { $0.changed.contains(device) }
    }
}
