extension GatewayMetrics {
    /// A presence the gateway did not take (`kind` `presence`), or the `state` it dropped from one it took (`kind`
    /// `state`, reason `invalid_state`): the labels of `hookcast_device_messages_refused_total`. Acknowledgements
    /// have their own counter, `hookcast_acknowledgements_ignored_total`.
    func presenceRefused(_ reason: PresenceRefusal) {
        counter("hookcast_device_messages_refused_total", ("kind", "presence"), ("reason", reason.rawValue))
            .increment()
    }

    func reportedStateRefused() {
        counter("hookcast_device_messages_refused_total", ("kind", "state"), ("reason", "invalid_state")).increment()
    }
}
