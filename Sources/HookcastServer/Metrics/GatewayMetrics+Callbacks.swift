extension GatewayMetrics {
    /// One attempt to send a delivery report; `outcome`: delivered, retry (answered otherwise or not at all, tried
    /// again later) or failed (given up).
    func callbackAttempted(outcome: String) {
        counter("hookcast_callback_attempts_total", ("outcome", outcome)).increment()
    }
}
