import ArgumentParser
import Foundation
import HookcastProtocol

/// `--topic-prefix` of the harness: every topic it uses, and the one it hands the gateways, fleets and peers it
/// starts, lives under it. It must be the broker plugin's `plugin_opt_topic_prefix`, which scripts/lib/common.sh's
/// `broker_conf` takes from the same `HOOKCAST_TOPIC_PREFIX`, so exporting that one variable moves the whole run.
struct TopicPrefixOption: ParsableArguments {
    @Option(
        name: .customLong("topic-prefix"),
        help: ArgumentHelp(
            "The topic prefix of the gateway, the devices, the peers and the broker (HOOKCAST_TOPIC_PREFIX)."))
    var topicPrefix: String =
        ProcessInfo.processInfo.environment["HOOKCAST_TOPIC_PREFIX"].flatMap { $0.isEmpty ? nil : $0 }
        ?? Topics.defaultPrefix

    /// Refused before anything starts, with what is wrong with it.
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
