import HookcastProtocol
import Hummingbird

/// `GET /api/v1/settings`: the gateway's configuration that an operator's instructions depend on, so the console
/// can write them right (an integration account publishes under the topic prefix the gateway was started with).
/// Nothing secret: only what every device and integration is configured with anyway.
struct SettingsController: Sendable {
    let topics: Topics

    struct Settings: ResponseEncodable, Sendable {
        let topicPrefix: String

        enum CodingKeys: String, CodingKey {
            case topicPrefix = "topic_prefix"
        }
    }

    func addRoutes(to group: RouterGroup<HookcastRequestContext>) {
        group.get("settings") { _, _ in Settings(topicPrefix: topics.root) }
    }
}
