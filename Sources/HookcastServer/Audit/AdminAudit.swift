import Foundation
import HookcastCore
import HookcastProtocol

/// Who is calling the admin API, as `AdminAuthMiddleware` established it, for the audit entries of what they
/// change. A task-local, set around the route, so the controllers record a change without passing it along.
struct AdminCaller: Sendable {
    @TaskLocal static var current: AdminCaller?

    let actor: AuditActor
    let remoteAddress: String

    /// A console session, by the first 16 hex digits of its id's SHA-256 digest: enough to tell sessions apart,
    /// useless as a cookie.
    static func console(digest: String, remoteAddress: String) -> AdminCaller {
        AdminCaller(actor: AuditActor(type: .console, id: String(digest.prefix(16))), remoteAddress: remoteAddress)
    }
}

/// The kinds of record an admin change touches.
enum AuditResource: String, Sendable, CaseIterable {
    case key, action, device, group, command
    case capRule = "cap_rule"
    case capFeed = "cap_feed"
    /// A delivery report to a callback URL: retried.
    case callback
    /// A console session: signed in or out.
    case session
    /// An integration or observer account on the broker, by user name.
    case mqttAccount = "mqtt_account"
}

extension AuditTrail {
    /// Records an admin change that succeeded: `before` and `after` as the admin API shows them (for keys the
    /// public `APIKey`, which has no secret, hash or encrypted secret; for devices the `Device`, never a broker
    /// password). Returns once the entry is stored.
    func changed(
        _ resource: AuditResource, id: String?, _ operation: String, before: (any Encodable)? = nil,
        after: (any Encodable)? = nil, commands: [UUID] = []
    ) async {
        let caller = AdminCaller.current
        let entry = AuditEntry(
            at: clock(), kind: resource == .command ? .cancel : .admin,
            actor: caller?.actor ?? .unidentified, remoteAddress: caller?.remoteAddress, commandIDs: commands,
            resource: resource.rawValue, resourceID: id, operation: operation, before: Self.json(before),
            after: Self.json(after))
        await record(entry)
    }

    /// A console sign-in or sign-out (`operation`), by the session as `AdminCaller.console` names it, and from where.
    /// A refused sign-in is not one: `SignInThrottle` answers those.
    func session(_ operation: String, sessionID: String, remoteAddress: String) async {
        let caller = AdminCaller.console(digest: ConsoleSessions.digest(sessionID), remoteAddress: remoteAddress)
        await AdminCaller.$current.withValue(caller) { await changed(.session, id: nil, operation) }
    }

    /// The value as the API encodes it (dates as timestamps), as JSON.
    static func json(_ value: (any Encodable)?) -> JSONValue? {
        guard let value,
            let data = try? HookcastRequestContext.encoder.encode(value),
            let json = try? JSONCoding.decoder().decode(JSONValue.self, from: data)
        else { return nil }
        return json
    }
}
