import Foundation
import HTTPTypes
import HookcastCore
import Hummingbird
import NIOCore
import ServiceLifecycle

/// `GET /api/v1/events`: a server-sent event stream of what changes — commands as they are created and answered
/// (each with its delivery totals), devices as they come and go — so the console shows a broadcast landing
/// without asking again and again. Changes are coalesced, at most one batch every `batchInterval`.
///
/// A stream lives no longer than what opened it: at every keep-alive, and at once when a console session signs out,
/// it looks again at its session (or bearer token) and ends when that is gone, expired or rotated away.
struct EventStreamController: Sendable {
    let store: any HookcastStore
    let live: LiveEvents
    let acknowledgementDeadline: Duration
    let token: AdminToken
    let sessions: ConsoleSessions
    var heartbeat: Duration = .seconds(15)
    var batchInterval: Duration = .milliseconds(200)

    func addRoutes(to group: RouterGroup<HookcastRequestContext>) {
        group.get("events") { request, _ -> Response in
            let credential = Credential(request)
            let subscription = live.subscribe()
            let headers: HTTPFields = [
                .contentType: "text/event-stream; charset=utf-8",
                .cacheControl: "no-store",
                // Tells a buffering reverse proxy (nginx) to pass each event on at once.
                HTTPField.Name("x-accel-buffering")!: "no",
            ]
            return Response(
                status: .ok, headers: headers,
                body: ResponseBody { writer in
                    let watcher = sessions.watchRemovals { subscription.poke() }
                    defer {
                        sessions.unwatch(watcher)
                        subscription.cancel()
                    }
                    try await stream(to: &writer, subscription, while: { isValid(credential) })
                })
        }
    }

    /// What opened a stream: the admin middleware let it through, so one of the two was valid then.
    enum Credential: Sendable {
        case bearer(String)
        case session(String)
        case unknown

        init(_ request: Request) {
            if let header = request.headers[.authorization] {
                let parts = header.split(separator: " ", maxSplits: 1)
                self = parts.count == 2 ? .bearer(String(parts[1])) : .unknown
            } else if let id = ConsoleCookie.sessionID(in: request) {
                self = .session(id)
            } else {
                self = .unknown
            }
        }
    }

    func isValid(_ credential: Credential) -> Bool {
        switch credential {
        case .bearer(let presented): token.matches(presented)
        case .session(let id): sessions.find(id) != nil
        case .unknown: false
        }
    }

    private func stream(
        to writer: inout any ResponseBodyWriter, _ subscription: LiveEvents.Subscription,
        while signedIn: @escaping @Sendable () -> Bool
    ) async throws {
        let hello = EventMessage.Hello(
            ackDeadlineSeconds: Int(acknowledgementDeadline.components.seconds),
            heartbeatSeconds: Int(heartbeat.components.seconds))
        try await writer.write(ByteBuffer(string: "retry: 3000\n\n" + EventMessage.event("hello", hello)))
        try await withGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { [heartbeat] in
                    while true {
                        try await Task.sleep(for: heartbeat)
                        subscription.poke()
                    }
                }
                for await _ in subscription.signals {
                    guard signedIn() else { break }
                    let changes = subscription.take()
                    // A comment line: keeps proxies from closing an idle stream, and finds a vanished browser.
                    let text = changes.isEmpty ? ": ping\n\n" : try await render(changes)
                    try await writer.write(ByteBuffer(string: text))
                    try await Task.sleep(for: batchInterval)
                }
                tasks.cancelAll()
            }
        } onGracefulShutdown: {
            subscription.cancel()
        }
        try await writer.finish(nil)
    }

    private func render(_ changes: LiveEvents.Changes) async throws -> String {
        var text = ""
        if changes.overflowed { text += EventMessage.event("resync", EventMessage.Empty()) }
        if !changes.commands.isEmpty {
            let summaries = try await StoreFailure.mapping {
                try await CommandSummary.load(
                    ids: Array(changes.commands), store: store, deadline: acknowledgementDeadline)
            }
            for summary in summaries { text += EventMessage.event("command", summary) }
        }
        for presence in changes.presence.values.sorted(by: { $0.deviceID.rawValue < $1.deviceID.rawValue }) {
            text += EventMessage.event("presence", EventMessage.Presence(presence: presence))
        }
        return text
    }
}
