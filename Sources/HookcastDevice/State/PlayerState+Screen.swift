import Foundation
import HookcastProtocol

extension PlayerState {
    /// A message shown over the content (`show_toast`) until `until`.
    public struct Toast: Codable, Sendable, Equatable {
        public var message: String
        public var level: ToastLevel
        public var until: Date

        public init(message: String, level: ToastLevel, until: Date) {
            self.message = message
            self.level = level
            self.until = until
        }
    }

    /// The screen turned off (`snooze_device`) at `since`, until woken or, when set, `until`.
    public struct Snooze: Codable, Sendable, Equatable {
        public var since: Date
        public var until: Date?

        public init(since: Date, until: Date?) {
            self.since = since
            self.until = until
        }
    }

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
