import Foundation
import HookcastProtocol

/// Why a known, enabled key may not trigger a webhook: it expired, or the event is outside its scope.
public enum APIKeyRefusal: Equatable, Sendable {
    case expired(at: Date)
    case eventOutOfScope(EventID)
}

extension APIKey {
    /// A scope names at most this many events; a key for more is a key for all of them.
    public static let maxScopedEvents = 100

    /// Nil when the key may trigger `event` at `now`; else why not. Expiry first: an expired key may do nothing.
    public func refusal(for event: EventID, at now: Date) -> APIKeyRefusal? {
        if let refusal = refusal(at: now) { return refusal }
        if let eventIDs, !eventIDs.contains(event) { return .eventOutOfScope(event) }
        return nil
    }

    /// Nil while the key has not expired at `now`.
    public func refusal(at now: Date) -> APIKeyRefusal? {
        guard let expiresAt, expiresAt <= now else { return nil }
        return .expired(at: expiresAt)
    }

    /// The scope as sent (`event_ids`): nil for every event, else 1 to `maxScopedEvents` valid event ids, a
    /// repeated one kept once. Errors name `event_ids` or `event_ids[i]`.
    public static func validatedScope(_ raw: [String]?) throws(ValidationError) -> [EventID]? {
        guard let raw else { return nil }
        guard (1...maxScopedEvents).contains(raw.count) else {
            throw ValidationError(
                field: "event_ids",
                message: "must name 1 to \(maxScopedEvents) events, or be null for every event")
        }
        var seen = Set<EventID>()
        var scope: [EventID] = []
        for (index, text) in raw.enumerated() {
            let event = try EventID(text, field: "event_ids[\(index)]")
            if seen.insert(event).inserted { scope.append(event) }
        }
        return scope
    }
}
