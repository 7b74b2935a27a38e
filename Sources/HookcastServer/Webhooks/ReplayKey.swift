/// The key a webhook's idempotency record is stored under, per API key. Two namespaces that can never collide:
///
/// - a signed request's authenticated `webhook-id`, as `webhook-id:<id>`, whatever `Idempotency-Key` says: the
///   signature does not cover that header, so a captured request re-sent with fresh `Idempotency-Key` values must
///   still be the same request;
/// - a caller's `Idempotency-Key`, stored as it is, except that a value starting with `webhook-id:` or with the
///   escape `~` gets one more `~` in front. So `webhook-id:X` from an unsigned caller cannot burn the signed id `X`,
///   and every other caller key is stored exactly as before this split (older records keep matching).
///   `SQLiteMigration.callerReplayKeys` escapes the stored `~…` keys of older versions once.
enum ReplayKey {
    static let signedPrefix = "webhook-id:"
    static let escape = "~"

    static func signed(webhookID: String) -> String {
        signedPrefix + webhookID
    }

    static func caller(_ idempotencyKey: String) -> String {
        idempotencyKey.hasPrefix(signedPrefix) || idempotencyKey.hasPrefix(escape)
            ? escape + idempotencyKey : idempotencyKey
    }
}
