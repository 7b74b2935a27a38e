extension GatewayMetrics {
    /// A CAP message received: `outcome` is its record's state (active, recorded, applied) or `duplicate`.
    func capAlertReceived(outcome: String) {
        counter("hookcast_cap_alerts_total", ("outcome", outcome)).increment()
    }

    /// A CAP feed polled: `changed` (read and acted on), `unchanged` (304) or `failed` (see its `last_error`).
    func capFeedPolled(outcome: String) {
        counter("hookcast_cap_feed_polls_total", ("outcome", outcome)).increment()
    }
}
