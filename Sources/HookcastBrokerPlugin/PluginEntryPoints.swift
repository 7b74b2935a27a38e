import CMosquittoBroker

// The three functions mosquitto looks up in a plugin (plugin API version 5, mosquitto 2.0). Each runs on the
// broker's thread.

/// Chooses version 5 of the plugin API if the broker offers it; -1 tells the broker this plugin cannot load.
@_cdecl("mosquitto_plugin_version")
public func mosquittoPluginVersion(_ count: Int32, _ versions: UnsafePointer<Int32>?) -> Int32 {
    guard let versions else { return -1 }
    for index in 0..<Int(max(count, 0)) where versions[index] == 5 { return 5 }
    return -1
}

/// Reads the options, loads the accounts and registers the callbacks; the plugin's state becomes the userdata
/// mosquitto hands back to `mosquitto_plugin_cleanup` (and, through registration, to every callback).
@_cdecl("mosquitto_plugin_init")
public func mosquittoPluginInit(
    _ identifier: OpaquePointer?, _ userdata: UnsafeMutablePointer<UnsafeMutableRawPointer?>?,
    _ options: UnsafeMutablePointer<mosquitto_opt>?, _ optionCount: Int32
) -> Int32 {
    guard let identifier, let userdata else { return MOSQ_ERR_INVAL.rawValue }
    let plugin: BrokerPlugin
    do {
        plugin = try BrokerPlugin(identifier: identifier, options: BrokerPlugin.options(options, count: optionCount))
    } catch {
        BrokerLog.error("not started: \(error)")
        return MOSQ_ERR_UNKNOWN.rawValue
    }
    let retained = Unmanaged.passRetained(plugin).toOpaque()
    guard plugin.registerCallbacks(userdata: retained) else {
        plugin.unregisterCallbacks()
        plugin.close()
        Unmanaged<BrokerPlugin>.fromOpaque(retained).release()
        return MOSQ_ERR_UNKNOWN.rawValue
    }
    userdata.pointee = retained
    return MOSQ_ERR_SUCCESS.rawValue
}

/// Unregisters the callbacks, closes the journal (which flushes it) and releases the plugin's state.
@_cdecl("mosquitto_plugin_cleanup")
public func mosquittoPluginCleanup(
    _ userdata: UnsafeMutableRawPointer?, _ options: UnsafeMutablePointer<mosquitto_opt>?, _ optionCount: Int32
) -> Int32 {
    guard let userdata else { return MOSQ_ERR_SUCCESS.rawValue }
    let plugin = Unmanaged<BrokerPlugin>.fromOpaque(userdata).takeRetainedValue()
    plugin.unregisterCallbacks()
    plugin.close()
    return MOSQ_ERR_SUCCESS.rawValue
}
