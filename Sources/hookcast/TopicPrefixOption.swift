import ArgumentParser
import HookcastProtocol

/// `--topic-prefix`, shared by the gateway and the devices: every MQTT topic lives under it, so all of them, and the
/// broker plugin's `plugin_opt_topic_prefix`, must be given the same.
struct TopicPrefixOption: ParsableArguments {
    @Option(
        name: .customLong("topic-prefix"),
        help: ArgumentHelp(
            "The topic prefix every MQTT topic lives under; the same for the gateway, the devices and the broker "
                + "(HOOKCAST_TOPIC_PREFIX)."))
    var topicPrefix: String = Environment.value("HOOKCAST_TOPIC_PREFIX") ?? Topics.defaultPrefix

    /// Refused at start, before anything connects, with what is wrong with it.
    func validate() throws {
        _ = try topics()
    }

    func topics() throws -> Topics {
        do {
            return try Topics(prefix: topicPrefix)
        } catch {
            throw ValidationError("--topic-prefix '\(topicPrefix)': \(error)")
        }
    }
}
