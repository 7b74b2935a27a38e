import Foundation
import HookcastCore
import HookcastProtocol
import PostgresNIO

/// Console sessions in the `console_sessions` table, so a console signed in on one gateway is signed in on all.
extension PostgresSharing {
    /// Past this many live sessions the ones ending soonest are dropped, as `ConsoleSessions` does in memory.
    static let sessionCapacity = 1000

    func saveSession(_ session: SharedConsoleSession) async throws {
        let now = Date().millisecondsSince1970
        let capacity = Self.sessionCapacity
        try await pool.write { [logger = pool.logger] connection in
            try await connection.rows("DELETE FROM console_sessions WHERE expires_at <= \(now)", logger: logger)
            try await connection.rows(
                """
                DELETE FROM console_sessions WHERE digest IN (
                    SELECT digest FROM console_sessions ORDER BY expires_at DESC OFFSET \(capacity - 1))
                """, logger: logger)
            try await connection.rows(
                """
                INSERT INTO console_sessions (digest, csrf_token, expires_at, token_generation)
                VALUES (\(session.digest), \(session.csrfToken), \(session.expiresAt.millisecondsSince1970),
                    \(Int64(bitPattern: session.tokenGeneration)))
                ON CONFLICT (digest) DO UPDATE SET csrf_token = excluded.csrf_token,
                    expires_at = excluded.expires_at, token_generation = excluded.token_generation
                """, logger: logger)
        }
    }

    func session(digest: String) async throws -> SharedConsoleSession? {
        try await pool.read { [logger = pool.logger] connection in
            guard
                let row = try await connection.rows(
                    """
                    SELECT csrf_token, expires_at, token_generation FROM console_sessions WHERE digest = \(digest)
                    """, logger: logger
                ).first
            else { return nil }
            let (csrfToken, expiresAt, generation) = try row.decode((String, Int64, Int64).self)
            return SharedConsoleSession(
                digest: digest, csrfToken: csrfToken, expiresAt: Date(millisecondsSince1970: expiresAt),
                tokenGeneration: UInt64(bitPattern: generation))
        }
    }

    func removeSession(digest: String) async throws {
        try await pool.write { [logger = pool.logger] connection in
            try await connection.rows("DELETE FROM console_sessions WHERE digest = \(digest)", logger: logger)
        }
    }

    func storedSessions(among digests: [String]) async throws -> Set<String> {
        guard !digests.isEmpty else { return [] }
        return try await pool.read { [logger = pool.logger] connection in
            var stored = Set<String>()
            for row in try await connection.rows(
                "SELECT digest FROM console_sessions WHERE digest = ANY(\(digests))", logger: logger)
            {
                stored.insert(try row.decode(String.self))
            }
            return stored
        }
    }
}
