extension GatewayMetrics {
    /// An MQTT trigger received: `accepted` (answered 2xx), `refused` (answered with an error) or `unattested`
    /// (no account named by the broker plugin; ignored).
    func mqttTriggerReceived(outcome: String) {
        counter("hookcast_mqtt_triggers_total", ("outcome", outcome)).increment()
    }
}
