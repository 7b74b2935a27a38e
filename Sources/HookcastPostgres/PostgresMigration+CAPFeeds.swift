extension PostgresMigration {
    /// As SQLite's twenty-fourth migration: the CAP feeds Hookcast polls, with what polling found so far.
    static let capFeeds = PostgresMigration(
        version: 12,
        statements: [
            """
            CREATE TABLE cap_feeds (
                id TEXT PRIMARY KEY,
                feed TEXT NOT NULL,
                status TEXT NOT NULL,
                created_at BIGINT NOT NULL
            )
            """
        ]
    )
}
