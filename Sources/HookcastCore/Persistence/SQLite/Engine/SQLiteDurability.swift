/// How durable a write must be when its caller is answered.
enum SQLiteDurability: Sendable {
    /// On disk: the commit was fsynced (`PRAGMA synchronous = FULL`). For what a caller was told is stored:
    /// commands, idempotency records, anything an operator changed.
    case synced
    /// Written to the WAL file but not fsynced (`synchronous = NORMAL`): it survives the gateway's crash, and
    /// only the machine's crash or a power cut before the next synced commit or checkpoint can lose it. For
    /// records the gateway derives again when they are lost: publish times (the outbox publishes again and devices
    /// run a command id once), acknowledgements (redelivery asks again and the agent answers from its journal),
    /// presence (retained on the broker), redelivery counts and settled flags.
    ///
    /// WAL frames are appended in commit order, so a later synced commit makes every earlier one durable too;
    /// a batch holding any synced job is synced as a whole.
    case unsynced
}
