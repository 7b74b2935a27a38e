import CMosquitto

extension MQTTPublishProperties {
    /// Builds a libmosquitto property list, hands it to `body` and frees it afterwards.
    func withPropertyList<Result>(_ body: (OpaquePointer?) -> Result) throws(MQTTError) -> Result {
        var list: OpaquePointer? = nil
        defer { mosquitto_property_free_all(&list) }
        let code = appendTo(&list)
        guard code == MOSQ_ERR_SUCCESS.rawValue else {
            throw .library(code: code, message: MosquittoLibrary.errorMessage(code))
        }
        return body(list)
    }

    /// Builds a property list the caller owns (for `mosquitto_will_set_v5`, which takes ownership on success).
    func makeOwnedPropertyList() throws(MQTTError) -> OpaquePointer? {
        var list: OpaquePointer? = nil
        let code = appendTo(&list)
        guard code == MOSQ_ERR_SUCCESS.rawValue else {
            mosquitto_property_free_all(&list)
            throw .library(code: code, message: MosquittoLibrary.errorMessage(code))
        }
        return list
    }

    private func appendTo(_ list: inout OpaquePointer?) -> Int32 {
        var code = MOSQ_ERR_SUCCESS.rawValue
        func add(_ step: (inout OpaquePointer?) -> Int32) {
            if code == MOSQ_ERR_SUCCESS.rawValue { code = step(&list) }
        }
        if let messageExpiryInterval {
            add {
                mosquitto_property_add_int32(
                    &$0, Int32(MQTT_PROP_MESSAGE_EXPIRY_INTERVAL.rawValue), messageExpiryInterval)
            }
        }
        if let correlationData {
            guard correlationData.count <= Int(UInt16.max) else { return MOSQ_ERR_INVAL.rawValue }
            add { list in
                correlationData.withUnsafeBytes {
                    mosquitto_property_add_binary(
                        &list, Int32(MQTT_PROP_CORRELATION_DATA.rawValue), $0.baseAddress, UInt16($0.count))
                }
            }
        }
        if let responseTopic {
            add { mosquitto_property_add_string(&$0, Int32(MQTT_PROP_RESPONSE_TOPIC.rawValue), responseTopic) }
        }
        if let contentType {
            add { mosquitto_property_add_string(&$0, Int32(MQTT_PROP_CONTENT_TYPE.rawValue), contentType) }
        }
        for property in userProperties {
            add {
                mosquitto_property_add_string_pair(
                    &$0, Int32(MQTT_PROP_USER_PROPERTY.rawValue), property.name, property.value)
            }
        }
        return code
    }

    /// Copies the properties libmosquitto hands to a callback; the list is freed when the callback returns.
    init(copying list: OpaquePointer?) {
        self.init()
        var cursor = list
        while let property = cursor {
            switch UInt32(mosquitto_property_identifier(property)) {
            case MQTT_PROP_MESSAGE_EXPIRY_INTERVAL.rawValue:
                var value: UInt32 = 0
                if mosquitto_property_read_int32(
                    property, Int32(MQTT_PROP_MESSAGE_EXPIRY_INTERVAL.rawValue), &value, false) != nil
                {
                    messageExpiryInterval = value
                }
            case MQTT_PROP_CORRELATION_DATA.rawValue:
                var bytes: UnsafeMutableRawPointer? = nil
                var length: UInt16 = 0
                if mosquitto_property_read_binary(
                    property, Int32(MQTT_PROP_CORRELATION_DATA.rawValue), &bytes, &length, false) != nil
                {
                    correlationData = bytes.map { Array(UnsafeRawBufferPointer(start: $0, count: Int(length))) } ?? []
                    free(bytes)
                }
            case MQTT_PROP_RESPONSE_TOPIC.rawValue:
                responseTopic = Self.readString(property, MQTT_PROP_RESPONSE_TOPIC.rawValue)
            case MQTT_PROP_CONTENT_TYPE.rawValue:
                contentType = Self.readString(property, MQTT_PROP_CONTENT_TYPE.rawValue)
            case MQTT_PROP_USER_PROPERTY.rawValue:
                var name: UnsafeMutablePointer<CChar>? = nil
                var value: UnsafeMutablePointer<CChar>? = nil
                if mosquitto_property_read_string_pair(
                    property, Int32(MQTT_PROP_USER_PROPERTY.rawValue), &name, &value, false) != nil
                {
                    userProperties.append(
                        MQTTUserProperty(
                            name.map { String(cString: $0) } ?? "", value.map { String(cString: $0) } ?? ""))
                    free(name)
                    free(value)
                }
            default:
                break
            }
            cursor = mosquitto_property_next(property)
        }
    }

    private static func readString(_ property: OpaquePointer, _ identifier: UInt32) -> String? {
        var value: UnsafeMutablePointer<CChar>? = nil
        guard mosquitto_property_read_string(property, Int32(identifier), &value, false) != nil, let value else {
            return nil
        }
        defer { free(value) }
        return String(cString: value)
    }
}
