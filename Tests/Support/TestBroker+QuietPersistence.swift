extension TestBroker {
    /// broker.conf rewrites the whole database after every change (`autosave_on_changes true`,
    /// `autosave_interval 1`). With hundreds of clients connecting at once that is a rewrite per connection, enough
    /// disk traffic to stall the other tests' brokers; tests with fleets save every half hour instead.
    public static let quietPersistence = ["autosave_on_changes false", "autosave_interval 1800"]
}
