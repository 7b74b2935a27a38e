// Linux only: the pool drives its clients with epoll.
#if os(Linux)
    import CMosquitto

    // libmosquitto calls these only inside `mosquitto_loop_read/write/misc` and the other calls the loop makes, on the
    // loop thread. Each copies what it needs (the C structures are freed when it returns) into `events` and returns.
    extension MQTTClientPoolLoop {
        func installCallbacks(_ mosq: OpaquePointer) {
            mosquitto_connect_v5_callback_set(mosq) { _, userdata, code, flags, _ in
                guard let context = PoolCallbackContext.from(userdata) else { return }
                context.loop.events.append(
                    .connected(client: context.client, reasonCode: code, sessionPresent: flags & 1 == 1))
            }
            mosquitto_message_v5_callback_set(mosq) { _, userdata, message, properties in
                guard let context = PoolCallbackContext.from(userdata), let message else { return }
                context.loop.events.append(
                    .message(client: context.client, MQTTMessage(copying: message.pointee, properties: properties)))
            }
            mosquitto_publish_v5_callback_set(mosq) { _, userdata, _, _, _ in
                guard let context = PoolCallbackContext.from(userdata) else { return }
                context.loop.events.append(.published(client: context.client))
            }
            mosquitto_subscribe_v5_callback_set(mosq) { _, userdata, mid, count, grantedQoS, _ in
                guard let context = PoolCallbackContext.from(userdata), let grantedQoS else { return }
                let refused = (0..<Int(count)).contains { grantedQoS[$0] >= 0x80 }
                if refused { context.loop.events.append(.subscribeRefused(client: context.client, mid: mid)) }
            }
        }
    }

    extension PoolCallbackContext {
        static func from(_ userdata: UnsafeMutableRawPointer?) -> PoolCallbackContext? {
            userdata.map { Unmanaged<PoolCallbackContext>.fromOpaque($0).takeUnretainedValue() }
        }
    }
#endif
