import CMosquitto

extension MQTTWill {
    /// Sets this will on a libmosquitto client. libmosquitto takes the property list over when it accepts the will;
    /// when it refuses, the list is freed here.
    func install(on mosq: OpaquePointer) throws(MQTTError) {
        let list = try properties.makeOwnedPropertyList()
        let code = payload.withUnsafeBytes {
            mosquitto_will_set_v5(mosq, topic, Int32($0.count), $0.baseAddress, qos.rawValue, retain, list)
        }
        guard code == MOSQ_ERR_SUCCESS.rawValue else {
            var owned = list
            mosquitto_property_free_all(&owned)
            throw .library(code: code, message: MosquittoLibrary.errorMessage(code))
        }
    }
}
