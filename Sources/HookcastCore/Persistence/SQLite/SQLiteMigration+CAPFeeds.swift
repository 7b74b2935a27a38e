extension SQLiteMigration {
    /// The CAP feeds Hookcast polls (docs/cap.md, "Feeds"): each as JSON, with what polling found so far.
    static let capFeeds = SQLiteMigration(
        version: 24,
        statements: [
            """
            CREATE TABLE cap_feeds (
                id TEXT PRIMARY KEY NOT NULL,
                feed TEXT NOT NULL,
                status TEXT NOT NULL,
                created_at INTEGER NOT NULL
            ) STRICT
            """
        ]
    )
}
