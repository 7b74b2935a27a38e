import Foundation
import HookcastCore
import ServiceLifecycle

/// Polls every enabled CAP feed on its interval (docs/cap.md, "Feeds"). Only the leading gateway polls; it sleeps
/// until the next feed is due, woken early when a feed is added or changed here, and looks again at least every
/// `recheck` (feeds other gateways added, a lead taken over).
struct CAPFeedPoller: Service {
    let gateway: Gateway
    let fetcher: CAPFeedFetcher
    /// Rung by the admin API when a feed is created or changed.
    let changes: Doorbell
    var recheck: Duration = .seconds(15)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let wait = await pollDueFeeds()
                await changes.wait(timeout: wait)
            }
        }
    }

    /// Polls the feeds that are due, one after another; returns how long until the next is (at most `recheck`).
    private func pollDueFeeds() async -> Duration {
        guard gateway.delivery.isLeading else { return recheck }
        let feeds: [(feed: CAPFeed, status: CAPFeedStatus)]
        do {
            feeds = try await gateway.store.capFeeds.all().filter(\.feed.enabled)
        } catch {
            gateway.logger.warning("CAP feeds not read", metadata: ["error": "\(error)"])
            return recheck
        }
        var next = Date().addingTimeInterval(recheck.timeInterval)
        for (feed, status) in feeds {
            guard !Task.isCancelled else { break }
            var polledAt = status.lastPolledAt
            if Self.due(feed, lastPolledAt: polledAt, at: Date()) {
                polledAt = await gateway.pollCAPFeed(feed, status: status, fetcher: fetcher).lastPolledAt
            }
            let dueAt = (polledAt ?? Date()).addingTimeInterval(TimeInterval(feed.intervalSeconds))
            next = min(next, dueAt)
        }
        let seconds = max(0, next.timeIntervalSinceNow)
        return .milliseconds(Int64((seconds * 1000).rounded(.up)))
    }

    static func due(_ feed: CAPFeed, lastPolledAt: Date?, at now: Date) -> Bool {
        guard let lastPolledAt else { return true }
        return now >= lastPolledAt.addingTimeInterval(TimeInterval(feed.intervalSeconds))
    }
}
