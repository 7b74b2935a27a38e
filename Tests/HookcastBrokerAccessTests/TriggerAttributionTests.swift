import Foundation
import HookcastBrokerAccess
import HookcastProtocol
import Testing

@Suite("Who sent a trigger, as the plugin attests it")
struct TriggerAttributionTests {
    let topics = try! Topics(prefix: "acme/signage/hookcast")

    func state() -> BrokerAccessState {
        BrokerAccessState(
            gateways: Fixtures.state().gateways, topics: topics, bridges: ["hookcast-bridge-corp": "corp"])
    }

    @Test("an integration account's trigger is its own; a bridge's is the account it stands for")
    func attributed() {
        let state = state()
        let trigger = "acme/signage/hookcast/triggers/fire"
        #expect(
            state.attributeTrigger(username: "integration.crm", clientID: "x", topic: trigger) == .integration("crm"))
        #expect(
            state.attributeTrigger(username: "corp-login", clientID: "hookcast-bridge-corp", topic: trigger)
                == .integration("corp"))
    }

    @Test("anyone else's trigger is refused, and other topics pass untouched")
    func refusedOrUntouched() {
        let state = state()
        let trigger = "acme/signage/hookcast/triggers/fire"
        #expect(state.attributeTrigger(username: "gateway", clientID: "g", topic: trigger) == .refused)
        #expect(state.attributeTrigger(username: "d1", clientID: "d1", topic: trigger) == .refused)
        #expect(state.attributeTrigger(username: nil, clientID: "x", topic: trigger) == .refused)
        #expect(state.attributeTrigger(username: "integration.bad name", clientID: "x", topic: trigger) == .refused)
        #expect(state.attributeTrigger(username: "integration.", clientID: "x", topic: trigger) == .refused)
        for topic in [
            "acme/signage/hookcast/devices/d1/acks", "hookcast/v1/triggers/fire", "acme/signage/hookcast/triggers/a/b",
            "acme/signage/hookcast/triggers",
        ] {
            #expect(state.attributeTrigger(username: "integration.crm", clientID: "x", topic: topic) == .notATrigger)
        }
    }

    @Test("the broker's quick test lets every trigger through and stops only topics that are none")
    func quickTestIsASuperset() {
        let state = state()
        let triggers = ["acme/signage/hookcast/triggers/fire", "acme/signage/hookcast/triggers/a/b"]
        let others = [
            "acme/signage/hookcast/devices/d1/acks", "hookcast/v1/triggers/fire", "acme/signage/hookcast/triggers",
            "acme/signage/hookcast/trigger/fire", "acme/signage/hookcast", "", "acme/signage/hookcast/triggersx/a",
        ]
        for topic in triggers {
            #expect(topic.withCString { state.mayBeTrigger(topic: $0) })
        }
        for topic in others {
            #expect(!topic.withCString { state.mayBeTrigger(topic: $0) })
            #expect(state.attributeTrigger(username: "integration.crm", clientID: "x", topic: topic) == .notATrigger)
        }
    }

    @Test("no login may take a bridge's client id, whatever its account")
    func bridgeClientIDIsReserved() {
        let state = state()
        #expect(
            state.authenticate(username: "gateway", password: "gateway-password", clientID: "hookcast-bridge-corp")
                == .deny)
        #expect(state.authenticate(username: nil, password: nil, clientID: "hookcast-bridge-corp") == .deny)
    }

    @Test("plugin_opt_bridge_integrations and plugin_opt_topic_prefix are read, and bad values refused")
    func options() throws {
        let options = try BrokerPluginOptions([
            ("bridge_integrations", "bridge-a=corp,bridge-b=lab"), ("topic_prefix", "acme/signage/hookcast"),
        ])
        #expect(options.bridges == ["bridge-a": "corp", "bridge-b": "lab"])
        #expect(options.topics == topics)
        for bad in ["", "a", "a=", "=b", "a=b,a=c", "a=bad name"] {
            #expect(throws: BrokerPluginOptionsError.badBridgeIntegrations) {
                try BrokerPluginOptions([("bridge_integrations", bad)])
            }
        }
        #expect(throws: BrokerPluginOptionsError.badTopicPrefix(.wildcard)) {
            try BrokerPluginOptions([("topic_prefix", "a/#")])
        }
    }
}

@Suite("The plugin's topic prefix, as the gateway sees it")
struct PluginTopicPrefixTests {
    @Test("the digest answer names the plugin's prefix, so a gateway under another can say why devices are refused")
    func digestNamesThePrefix() throws {
        var state = BrokerAccessState(
            gateways: Fixtures.state().gateways, topics: try Topics(prefix: "acme/signage/hookcast"))
        let (results, _) = state.send(.digest)
        #expect(results.first?.topicPrefix == "acme/signage/hookcast")
        var standard = Fixtures.state()
        #expect(standard.send(.digest).results.first?.topicPrefix == "hookcast/v1")
        let json = try JSONEncoder().encode(results[0])
        #expect(String(decoding: json, as: UTF8.self).contains(#""topic_prefix":"acme\/signage\/hookcast""#))
    }
}
