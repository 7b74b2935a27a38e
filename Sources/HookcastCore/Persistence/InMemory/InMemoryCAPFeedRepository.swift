import Foundation

struct InMemoryCAPFeedRepository: CAPFeedRepository {
    let database: InMemoryDatabase

    func all() async throws -> [(feed: CAPFeed, status: CAPFeedStatus)] {
        try database.access { $0.capFeeds.map { ($0.feed, $0.status) } }
    }

    func find(id: CAPFeedID) async throws -> (feed: CAPFeed, status: CAPFeedStatus)? {
        try database.access { state in state.capFeeds.first { $0.feed.id == id }.map { ($0.feed, $0.status) } }
    }

    func insert(_ feed: CAPFeed) async throws {
        try database.access { state in
            guard !state.capFeeds.contains(where: { $0.feed.id == feed.id }) else {
                throw StoreError.conflict("CAP feed '\(feed.id)' already exists")
            }
            state.capFeeds.append((feed, CAPFeedStatus()))
        }
    }

    func update(_ feed: CAPFeed) async throws {
        try database.access { state in
            guard let index = state.capFeeds.firstIndex(where: { $0.feed.id == feed.id }) else {
                throw StoreError.notFound("CAP feed '\(feed.id)' does not exist")
            }
            var updated = feed
            updated.createdAt = state.capFeeds[index].feed.createdAt
            let status = state.capFeeds[index].feed.url == feed.url ? state.capFeeds[index].status : CAPFeedStatus()
            state.capFeeds[index] = (updated, status)
        }
    }

    func delete(id: CAPFeedID) async throws -> Bool {
        try database.access { state in
            guard let index = state.capFeeds.firstIndex(where: { $0.feed.id == id }) else { return false }
            state.capFeeds.remove(at: index)
            return true
        }
    }

    func saveStatus(_ status: CAPFeedStatus, of id: CAPFeedID) async throws {
        try database.access { state in
            guard let index = state.capFeeds.firstIndex(where: { $0.feed.id == id }) else { return }
            state.capFeeds[index].status = status
        }
    }
}
