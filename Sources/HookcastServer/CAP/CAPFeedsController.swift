import Foundation
import HookcastCore
import HookcastProtocol
import Hummingbird

/// `/api/v1/cap/feeds`: the URLs Hookcast polls for CAP alerts, each with what polling found so far, and
/// `POST /cap/feeds/{id}/poll` to poll one now (docs/cap.md, "Feeds").
struct CAPFeedsController: Sendable {
    let gateway: Gateway

    struct FeedRequest: Decodable {
        let id: CAPFeedID?
        let url: String?
        let intervalSeconds: Int?
        let enabled: Bool?

        enum CodingKeys: String, CodingKey {
            case id, url
            case intervalSeconds = "interval_seconds"
            case enabled
        }

        func feed(id: CAPFeedID, createdAt: Date) throws(ValidationError) -> CAPFeed {
            guard let url else { throw ValidationError(field: "url", message: "is required") }
            return try CAPFeed(
                id: id, url: url, intervalSeconds: intervalSeconds ?? CAPFeed.defaultIntervalSeconds,
                enabled: enabled ?? true, createdAt: createdAt, updatedAt: Date()
            ).validated()
        }
    }

    func addRoutes(to group: RouterGroup<HookcastRequestContext>) {
        let store = gateway.store
        group.get("cap/feeds") { _, _ in
            ListResponse(items: try await StoreFailure.mapping { try await store.capFeeds.all() }.map(CAPFeedView.init))
        }
        group.post("cap/feeds") { request, context -> EditedResponse<CAPFeedView> in
            let body = try await RequestBody.decode(FeedRequest.self, from: request, context: context)
            guard let id = body.id else { throw APIError.unprocessable(field: "id", "id is required.") }
            let feed = try await StoreFailure.mapping {
                let feed = try body.feed(id: id, createdAt: Date())
                try await store.capFeeds.insert(feed)
                return feed
            }
            await gateway.audit.changed(.capFeed, id: feed.id.rawValue, "create", after: feed)
            gateway.capFeedChanges.ring()
            return EditedResponse(status: .created, response: CAPFeedView(feed: feed, status: CAPFeedStatus()))
        }
        group.get("cap/feeds/:id") { _, context in CAPFeedView(try await existing(context)) }
        group.put("cap/feeds/:id") { request, context -> CAPFeedView in
            let current = try await existing(context)
            let body = try await RequestBody.decode(FeedRequest.self, from: request, context: context)
            if let renamed = body.id, renamed != current.feed.id {
                throw APIError.unprocessable(field: "id", "id cannot change; create a new feed instead.")
            }
            let updated = try await StoreFailure.mapping {
                let feed = try body.feed(id: current.feed.id, createdAt: current.feed.createdAt)
                try await store.capFeeds.update(feed)
                return try await store.capFeeds.find(id: feed.id)
            }
            guard let updated else { throw APIError.notFound("not_found", "The feed was deleted meanwhile.") }
            await gateway.audit.changed(
                .capFeed, id: updated.feed.id.rawValue, "update", before: current.feed, after: updated.feed)
            gateway.capFeedChanges.ring()
            return CAPFeedView(updated)
        }
        group.delete("cap/feeds/:id") { _, context -> Response in
            let current = try await existing(context)
            _ = try await StoreFailure.mapping { try await store.capFeeds.delete(id: current.feed.id) }
            await gateway.audit.changed(.capFeed, id: current.feed.id.rawValue, "delete", before: current.feed)
            return Response(status: .noContent)
        }
        group.post("cap/feeds/:id/poll") { _, context -> CAPFeedView in
            let current = try await existing(context)
            let status = await gateway.pollCAPFeed(
                current.feed, status: current.status, fetcher: gateway.capFeedFetcher)
            return CAPFeedView(feed: current.feed, status: status)
        }
    }

    private func existing(_ context: HookcastRequestContext) async throws -> (feed: CAPFeed, status: CAPFeedStatus) {
        let raw = context.parameters.get("id") ?? ""
        guard let id = try? CAPFeedID(raw),
            let found = try await StoreFailure.mapping({ try await gateway.store.capFeeds.find(id: id) })
        else { throw APIError.notFound("not_found", "No CAP feed has the id '\(raw.prefix(128))'.") }
        return found
    }
}

/// A feed as the admin API shows it: its settings and what polling found (not the entries remembered, only
/// their count).
struct CAPFeedView: ResponseEncodable, Sendable {
    let feed: CAPFeed
    let status: CAPFeedStatus

    init(feed: CAPFeed, status: CAPFeedStatus) {
        self.feed = feed
        self.status = status
    }

    init(_ pair: (feed: CAPFeed, status: CAPFeedStatus)) {
        self.init(feed: pair.feed, status: pair.status)
    }

    enum CodingKeys: String, CodingKey {
        case lastPolledAt = "last_polled_at"
        case lastStatus = "last_status"
        case lastError = "last_error"
        case alertsReceived = "alerts_received"
        case entriesSeen = "entries_seen"
    }

    func encode(to encoder: any Encoder) throws {
        try feed.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(status.lastPolledAt.map(JSONCoding.timestamp), forKey: .lastPolledAt)
        try container.encode(status.lastStatus, forKey: .lastStatus)
        try container.encode(status.lastError, forKey: .lastError)
        try container.encode(status.alertsReceived, forKey: .alertsReceived)
        try container.encode(status.seenEntries.count, forKey: .entriesSeen)
    }
}
