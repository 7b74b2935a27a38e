/// What the gateway and the broker plugin agree on about MQTT triggers (docs/integrations.md): an integration
/// account, user name `integration.<name>`, publishes on `{prefix}/triggers/{event_id}`; the plugin appends the user
/// property `hookcast-integration: <name>` after any the client sent, and the gateway trusts only the last one.
public enum IntegrationTrigger {
    public static let attestationProperty = "hookcast-integration"
    public static let usernamePrefix = "integration."
}
