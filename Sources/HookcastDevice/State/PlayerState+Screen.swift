import Foundation
import HookcastProtocol

extension PlayerState {
    /// A message shown over the content (`show_toast`) until `until`: kept as it is reported.
    public typealias Toast = ReportedDeviceState.Toast
    /// The screen turned off (`snooze_device`) at `since`, until woken or, when set, `until`.
    public typealias Snooze = ReportedDeviceState.Snooze

    /// The earliest time something shown ends by itself: a toast, or a timed snooze.
    public var nextExpiry: Date? {
        [toast?.until, snooze?.until].compactMap { $0 }.min()
    }

    /// Ends the toast and the snooze whose time has come; returns whether anything ended.
    @discardableResult
    public mutating func expire(at now: Date) -> Bool {
        var changed = false
        if let toast, toast.until <= now {
            self.toast = nil
            changed = true
        }
        if let until = snooze?.until, until <= now {
            snooze = nil
            changed = true
        }
        return changed
    }
}
