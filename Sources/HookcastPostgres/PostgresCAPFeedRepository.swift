import Foundation
import HookcastCore
import HookcastProtocol
import PostgresNIO

struct PostgresCAPFeedRepository: CAPFeedRepository {
    let pool: PostgresPool
    private var logger: Logger { pool.logger }

    func all() async throws -> [(feed: CAPFeed, status: CAPFeedStatus)] {
        try await pool.read { connection in
            try await connection.rows(
                "SELECT feed, status FROM cap_feeds ORDER BY created_at, id COLLATE \"C\"", logger: logger
            ).map(Self.decode)
        }
    }

    func find(id: CAPFeedID) async throws -> (feed: CAPFeed, status: CAPFeedStatus)? {
        try await pool.read { connection in
            try await connection.rows("SELECT feed, status FROM cap_feeds WHERE id = \(id.rawValue)", logger: logger)
                .first.map(Self.decode)
        }
    }

    func insert(_ feed: CAPFeed) async throws {
        let (json, status) = (
            try PostgresCAPRuleRepository.json(feed), try PostgresCAPRuleRepository.json(CAPFeedStatus())
        )
        try await pool.write(conflictMessage: "CAP feed '\(feed.id)' already exists") { connection in
            try await connection.rows(
                """
                INSERT INTO cap_feeds (id, feed, status, created_at)
                VALUES (\(feed.id.rawValue), \(json), \(status), \(feed.createdAt.millisecondsSince1970))
                """, logger: logger)
        }
    }

    func update(_ feed: CAPFeed) async throws {
        try await pool.write { connection in
            guard
                let stored = try await connection.rows(
                    "SELECT feed, status FROM cap_feeds WHERE id = \(feed.id.rawValue) FOR UPDATE", logger: logger
                ).first.map(Self.decode)
            else { throw StoreError.notFound("CAP feed '\(feed.id)' does not exist") }
            var updated = feed
            updated.createdAt = stored.feed.createdAt
            let status = try PostgresCAPRuleRepository.json(
                stored.feed.url == feed.url ? stored.status : CAPFeedStatus())
            let json = try PostgresCAPRuleRepository.json(updated)
            try await connection.rows(
                "UPDATE cap_feeds SET feed = \(json), status = \(status) WHERE id = \(feed.id.rawValue)", logger: logger
            )
        }
    }

    func delete(id: CAPFeedID) async throws -> Bool {
        try await pool.write { connection in
            try await !connection.rows("DELETE FROM cap_feeds WHERE id = \(id.rawValue) RETURNING id", logger: logger)
                .isEmpty
        }
    }

    func saveStatus(_ status: CAPFeedStatus, of id: CAPFeedID) async throws {
        let json = try PostgresCAPRuleRepository.json(status)
        try await pool.write { connection in
            _ = try await connection.rows(
                "UPDATE cap_feeds SET status = \(json) WHERE id = \(id.rawValue)", logger: logger)
        }
    }

    private static func decode(_ row: PostgresRow) throws -> (feed: CAPFeed, status: CAPFeedStatus) {
        let values = row.values()
        return (try values.json(CAPFeed.self, "feed"), try values.json(CAPFeedStatus.self, "status"))
    }
}
