import Foundation
import HookcastProtocol
import HookcastTestSupport
import Testing

@Suite("GET /api/v1/settings")
struct SettingsAPITests {
    @Test("answers the topic prefix the gateway was started with", arguments: ["hookcast/v1", "acme/signage/hookcast"])
    func topicPrefix(prefix: String) async throws {
        let topics = try Topics(prefix: prefix)
        try await InProcessGateway.run(configure: { $0.topics = topics }) { gateway in
            let settings = try await gateway.admin(.get, "settings")
            #expect(settings.status == .ok)
            #expect(settings.string("topic_prefix") == prefix)
        }
    }

    @Test("is refused without the admin token, like every admin call")
    func requiresToken() async throws {
        try await InProcessGateway.run { gateway in
            let response = try await gateway.request(.get, "/api/v1/settings")
            #expect(response.status == .unauthorized)
            #expect(response.errorCode == "missing_admin_token")
            #expect(response.string("topic_prefix") == nil)
        }
    }
}
