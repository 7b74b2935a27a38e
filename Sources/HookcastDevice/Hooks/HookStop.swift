import Synchronization

/// Ends a running hook early, from another task: the agent's message reader asks for it when an emergency state
/// arrives, which must show at once rather than after a hook that may take its whole timeout. A request made
/// before the hook has started stops it as soon as it starts.
final class HookStop: Sendable {
    private struct State {
        var reason: String?
        var watch: ExitWatch?
    }

    private let state = Mutex(State())

    /// Why the hook was stopped; nil while nobody asked.
    var reason: String? { state.withLock { $0.reason } }

    func request(reason: String) {
        let watch = state.withLock { state -> ExitWatch? in
            if state.reason == nil { state.reason = reason }
            return state.watch
        }
        // Outside the lock; ExitWatch keeps a kill after the hook's exit from reaching a reused pid.
        watch?.killOnStop()
    }

    /// Called by the hook's process once it runs.
    func attach(_ watch: ExitWatch) {
        let stopNow = state.withLock { state -> Bool in
            state.watch = watch
            return state.reason != nil
        }
        if stopNow { watch.killOnStop() }
    }
}
