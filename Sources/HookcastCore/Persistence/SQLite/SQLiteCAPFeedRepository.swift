import Foundation
import HookcastProtocol

struct SQLiteCAPFeedRepository: CAPFeedRepository {
    let database: SQLiteDatabase

    func all() async throws -> [(feed: CAPFeed, status: CAPFeedStatus)] {
        try await database.read {
            try $0.query("SELECT feed, status FROM cap_feeds ORDER BY created_at, id").map(Self.decode)
        }
    }

    func find(id: CAPFeedID) async throws -> (feed: CAPFeed, status: CAPFeedStatus)? {
        try await database.read {
            try $0.query("SELECT feed, status FROM cap_feeds WHERE id = ?", [.text(id.rawValue)]).first.map(Self.decode)
        }
    }

    func insert(_ feed: CAPFeed) async throws {
        let values: [SQLiteValue] = [
            .text(feed.id.rawValue), try .json(feed), try .json(CAPFeedStatus()), .date(feed.createdAt),
        ]
        try await database.write(conflictMessage: "CAP feed '\(feed.id)' already exists") {
            try $0.execute("INSERT INTO cap_feeds (id, feed, status, created_at) VALUES (?, ?, ?, ?)", values)
        }
    }

    func update(_ feed: CAPFeed) async throws {
        try await database.write { connection in
            guard
                let stored = try connection.query(
                    "SELECT feed, status FROM cap_feeds WHERE id = ?", [.text(feed.id.rawValue)]
                ).first.map(Self.decode)
            else { throw StoreError.notFound("CAP feed '\(feed.id)' does not exist") }
            var updated = feed
            updated.createdAt = stored.feed.createdAt
            let status = stored.feed.url == feed.url ? stored.status : CAPFeedStatus()
            try connection.execute(
                "UPDATE cap_feeds SET feed = ?, status = ? WHERE id = ?",
                [try .json(updated), try .json(status), .text(feed.id.rawValue)])
        }
    }

    func delete(id: CAPFeedID) async throws -> Bool {
        try await database.write {
            try !$0.query("DELETE FROM cap_feeds WHERE id = ? RETURNING id", [.text(id.rawValue)]).isEmpty
        }
    }

    func saveStatus(_ status: CAPFeedStatus, of id: CAPFeedID) async throws {
        let values: [SQLiteValue] = [try .json(status), .text(id.rawValue)]
        try await database.write(durability: .unsynced) {
            try $0.execute("UPDATE cap_feeds SET status = ? WHERE id = ?", values)
        }
    }

    private static func decode(_ row: SQLiteRow) throws -> (feed: CAPFeed, status: CAPFeedStatus) {
        (try row.json(CAPFeed.self, "feed"), try row.json(CAPFeedStatus.self, "status"))
    }
}
