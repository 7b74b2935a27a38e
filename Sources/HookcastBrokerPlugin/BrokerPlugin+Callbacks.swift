import CMosquittoBroker
import HookcastBrokerAccess
import HookcastProtocol

// The C callbacks mosquitto calls, on its thread, with the plugin's state as userdata. Each only recovers the
// state (unretained: init holds the reference until cleanup) and the event's data, and calls a method of it.

func brokerPluginBasicAuth(_ event: Int32, _ data: UnsafeMutableRawPointer?, _ userdata: UnsafeMutableRawPointer?)
    -> Int32
{
    guard let data, let userdata else { return MOSQ_ERR_AUTH.rawValue }
    let plugin = Unmanaged<BrokerPlugin>.fromOpaque(userdata).takeUnretainedValue()
    return plugin.authenticate(data.assumingMemoryBound(to: mosquitto_evt_basic_auth.self).pointee)
}

func brokerPluginACLCheck(_ event: Int32, _ data: UnsafeMutableRawPointer?, _ userdata: UnsafeMutableRawPointer?)
    -> Int32
{
    guard let data, let userdata else { return MOSQ_ERR_ACL_DENIED.rawValue }
    let plugin = Unmanaged<BrokerPlugin>.fromOpaque(userdata).takeUnretainedValue()
    return plugin.authorize(data.assumingMemoryBound(to: mosquitto_evt_acl_check.self).pointee)
}

func brokerPluginControl(_ event: Int32, _ data: UnsafeMutableRawPointer?, _ userdata: UnsafeMutableRawPointer?)
    -> Int32
{
    guard let data, let userdata else { return MOSQ_ERR_INVAL.rawValue }
    let plugin = Unmanaged<BrokerPlugin>.fromOpaque(userdata).takeUnretainedValue()
    return plugin.control(data.assumingMemoryBound(to: mosquitto_evt_control.self).pointee)
}

func brokerPluginMessage(_ event: Int32, _ data: UnsafeMutableRawPointer?, _ userdata: UnsafeMutableRawPointer?)
    -> Int32
{
    guard let data, let userdata else { return MOSQ_ERR_ACL_DENIED.rawValue }
    let plugin = Unmanaged<BrokerPlugin>.fromOpaque(userdata).takeUnretainedValue()
    return plugin.attest(data.assumingMemoryBound(to: mosquitto_evt_message.self))
}

func brokerPluginReload(_ event: Int32, _ data: UnsafeMutableRawPointer?, _ userdata: UnsafeMutableRawPointer?)
    -> Int32
{
    guard let userdata else { return MOSQ_ERR_INVAL.rawValue }
    Unmanaged<BrokerPlugin>.fromOpaque(userdata).takeUnretainedValue().reload()
    return MOSQ_ERR_SUCCESS.rawValue
}

func brokerPluginTick(_ event: Int32, _ data: UnsafeMutableRawPointer?, _ userdata: UnsafeMutableRawPointer?)
    -> Int32
{
    guard let userdata else { return MOSQ_ERR_INVAL.rawValue }
    let plugin = Unmanaged<BrokerPlugin>.fromOpaque(userdata).takeUnretainedValue()
    plugin.deferredLog.drain()
    plugin.compactIfQuiet()
    plugin.publishGathered()
    return MOSQ_ERR_SUCCESS.rawValue
}

extension BrokerPlugin {
    func authenticate(_ event: mosquitto_evt_basic_auth) -> Int32 {
        let clientID = mosquitto_client_id(event.client)
        let decision = inPlace { state in
            state.authenticate(
                username: event.username.map { String(cString: $0) },
                password: event.password.map { String(cString: $0) },
                clientID: clientID.map { String(cString: $0) })
        }
        // Whoever logs in with this client id (here, or through the broker's other mechanisms) asks for batches
        // again if it wants them.
        if decision != .deny, gathering.isActive, let clientID { gathering.clientLoggedIn(clientID: clientID) }
        switch decision {
        case .allow: return MOSQ_ERR_SUCCESS.rawValue
        case .deny: return MOSQ_ERR_AUTH.rawValue
        case .notOurs: return options.otherAccounts == .defer ? MOSQ_ERR_PLUGIN_DEFER.rawValue : MOSQ_ERR_AUTH.rawValue
        }
    }

    func authorize(_ event: mosquitto_evt_acl_check) -> Int32 {
        guard let topic = event.topic else { return MOSQ_ERR_ACL_DENIED.rawValue }
        let access: BrokerAccess
        switch event.access {
        case MOSQ_ACL_READ: access = .receive
        case MOSQ_ACL_WRITE: access = .publish
        case MOSQ_ACL_SUBSCRIBE: access = .subscribe
        case MOSQ_ACL_UNSUBSCRIBE: access = .unsubscribe
        default: return MOSQ_ERR_ACL_DENIED.rawValue
        }
        let clientID = mosquitto_client_id(event.client)
        // A gateway that gets acknowledgements in batches gets none singly (`AcknowledgementGathering`).
        if access == .receive, let clientID, gatheringInPlace({ $0.withholds(topic: topic, from: clientID) }) {
            return MOSQ_ERR_ACL_DENIED.rawValue
        }
        let topicString = String(cString: topic)
        let decision = inPlace { state in
            state.authorize(
                username: mosquitto_client_username(event.client).map { String(cString: $0) }, access: access,
                topic: topicString)
        }
        switch decision {
        case .allow:
            // Only a gateway account may subscribe there (`BrokerAccessPolicy.gateway`).
            if access == .subscribe, let clientID,
                GatheredAcknowledgements.isSubscription(topicString, topics: options.topics)
            {
                gathering.gatewaySubscribed(clientID: clientID)
            }
            return MOSQ_ERR_SUCCESS.rawValue
        case .deny: return MOSQ_ERR_ACL_DENIED.rawValue
        case .notOurs:
            // The batches carry every device's answers: for gateway accounts only, whatever another mechanism allows.
            if GatheredAcknowledgements.isSubscription(topicString, topics: options.topics) {
                return MOSQ_ERR_ACL_DENIED.rawValue
            }
            return options.otherAccounts == .defer ? MOSQ_ERR_PLUGIN_DEFER.rawValue : MOSQ_ERR_ACL_DENIED.rawValue
        }
    }

    /// Every message a client publishes, after its access check: an acknowledgement is gathered for the gateways
    /// that ask (and passes on unchanged), and a message on the batches' topic refused; a trigger gets the user
    /// property naming the integration account that sent it, appended after the client's own (the gateway reads
    /// the last), so no client can pass for another account. The list is changed in place, as mosquitto's plugin
    /// API allows.
    func attest(_ event: UnsafeMutablePointer<mosquitto_evt_message>) -> Int32 {
        guard let topic = event.pointee.topic else { return MOSQ_ERR_SUCCESS.rawValue }
        if gatheringInPlace({ $0.isActive && $0.isAcknowledgement(topic: topic) }) {
            gather(event.pointee, topic: topic)
            return MOSQ_ERR_SUCCESS.rawValue
        }
        // Only the plugin publishes batches; a bridge's messages pass no access check, so this refuses them too.
        if gatheringInPlace({ $0.isBatches(topic: topic) }) { return MOSQ_ERR_ACL_DENIED.rawValue }
        guard inPlace({ $0.mayBeTrigger(topic: topic) }) else { return MOSQ_ERR_SUCCESS.rawValue }
        let attribution = inPlace { state in
            state.attributeTrigger(
                username: mosquitto_client_username(event.pointee.client).map { String(cString: $0) },
                clientID: mosquitto_client_id(event.pointee.client).map { String(cString: $0) },
                topic: String(cString: topic))
        }
        switch attribution {
        case .notATrigger:
            return MOSQ_ERR_SUCCESS.rawValue
        case .refused:
            return MOSQ_ERR_ACL_DENIED.rawValue
        case .integration(let name):
            let result = mosquitto_property_add_string_pair(
                &event.pointee.properties, Int32(MQTT_PROP_USER_PROPERTY.rawValue),
                IntegrationTrigger.attestationProperty,
                name)
            // Without the property the gateway could not tell whose trigger it is: refused rather than passed on.
            return result == MOSQ_ERR_SUCCESS.rawValue ? MOSQ_ERR_SUCCESS.rawValue : MOSQ_ERR_ACL_DENIED.rawValue
        }
    }

    /// SIGHUP (mosquitto reads its `password_file` again then too): reads the gateway accounts file and the other
    /// accounts file again; one that cannot be read keeps what was read before.
    func reload() {
        deferredLog.drain()
        do {
            let gateways = try Self.readGatewayAccounts(options.gatewayAccountsFile)
            state.replaceGateways(gateways)
            BrokerLog.notice("\(gateways.count) gateway accounts read again from \(options.gatewayAccountsFile)")
        } catch {
            BrokerLog.error("\(error); the gateway accounts read before stay")
        }
        guard let path = options.otherAccountsFile else { return }
        do {
            let names = try Self.readOtherAccounts(path)
            state.replaceOtherAccounts(names)
            BrokerLog.notice("\(names.count) other accounts read again from \(path)")
        } catch {
            BrokerLog.error("\(error); the other accounts read before stay")
        }
    }
}
