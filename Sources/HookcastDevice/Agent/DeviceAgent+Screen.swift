import Foundation

extension DeviceAgent {
    /// Wakes the handler when the player's next toast or snooze ends, unless a timer already goes off by then. A
    /// timer whose end was replaced meanwhile finds nothing due, which is harmless.
    func scheduleExpiry() {
        let due = shared.withLock { state -> Date? in
            guard let due = state.player.nextExpiry else { return nil }
            if let timer = state.expiryTimer, timer <= due { return nil }
            state.expiryTimer = due
            return due
        }
        guard let due else { return }
        let sink = eventSink
        Task {
            let wait = max(0, due.timeIntervalSinceNow)
            try await Task.sleep(for: .milliseconds(Int64((wait * 1000).rounded(.up))))
            sink.yield(.expiryDue(due))
        }
    }

    /// Ends what is due, reports the state if that changed it, and waits for the next end. `timer` is the end the
    /// timer that went off was set for.
    func expireScreen(timer: Date?) async {
        let changed = shared.withLock { state -> Bool in
            if let timer, state.expiryTimer == timer { state.expiryTimer = nil }
            return state.player.expire(at: Date())
        }
        if changed {
            persist()
            await publishStateIfChanged()
        }
        scheduleExpiry()
    }
}
