import Foundation
import HookcastProtocol
import Testing

@testable import HookcastCore

/// `APIKey+Scope`: which events a key may trigger and until when; pure, no store.
@Suite("An API key's scope: its events and its expiry")
struct APIKeyScopeTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func key(events: [String]?, expiresAt: Date? = nil) throws -> APIKey {
        APIKey(
            id: UUID(), name: "k", enabled: true, createdAt: now, lastUsedAt: nil, maskedKey: "hk_a…b",
            eventIDs: try events.map { try $0.map { try EventID($0) } }, expiresAt: expiresAt)
    }

    @Test("A key without a scope may trigger every event; a scoped one only its own")
    func events() throws {
        let quake = try EventID("quake")
        let door = try EventID("door")
        #expect(try Self.key(events: nil).refusal(for: quake, at: Self.now) == nil)
        let scoped = try Self.key(events: ["quake", "fire"])
        #expect(scoped.refusal(for: quake, at: Self.now) == nil)
        #expect(scoped.refusal(for: door, at: Self.now) == .eventOutOfScope(door))
    }

    @Test("A key is refused from its expiry on, whatever the event; before it, it is not")
    func expiry() throws {
        let quake = try EventID("quake")
        let key = try Self.key(events: ["fire"], expiresAt: Self.now)
        #expect(key.refusal(for: quake, at: Self.now) == .expired(at: Self.now))
        #expect(key.refusal(at: Self.now.addingTimeInterval(-0.001)) == nil)
        #expect(key.refusal(for: quake, at: Self.now.addingTimeInterval(-1)) == .eventOutOfScope(quake))
    }

    @Test("A scope as sent: null is every event; 1 to 100 valid ids, repeats kept once, in order")
    func validation() throws {
        #expect(try APIKey.validatedScope(nil) == nil)
        #expect(try APIKey.validatedScope(["b", "a", "b"])?.map(\.rawValue) == ["b", "a"])
        #expect(try APIKey.validatedScope((1...100).map { "e\($0)" })?.count == 100)
        let cases: [([String], String)] = [
            ([], "event_ids"), ((0...100).map { "e\($0)" }, "event_ids"), (["ok", "a/b"], "event_ids[1]"),
            ([""], "event_ids[0]"),
        ]
        for (raw, field) in cases {
            let error = #expect(throws: ValidationError.self) { try APIKey.validatedScope(raw) }
            #expect(error?.field == field, "\(raw.prefix(3))")
        }
    }
}
