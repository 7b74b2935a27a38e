extension TestBroker {
    /// broker.conf rewrites and fsyncs the whole database once a minute. A fleet test's broker holds hundreds of
    /// sessions, so each save is disk traffic the other tests' brokers (running in parallel) wait behind; tests with
    /// fleets save every half hour instead, which in practice means only when they stop the broker.
    public static let quietPersistence = ["autosave_on_changes false", "autosave_interval 1800"]
}
