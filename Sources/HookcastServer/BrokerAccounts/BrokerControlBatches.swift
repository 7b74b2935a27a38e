import HookcastProtocol

/// Splits many devices into requests of at most `devicesPerRequest` devices (the plugin accepts up to
/// `BrokerControl.maximumDevicesPerRequest`), well inside `BrokerControl.maximumRequestBytes` even for devices in
/// many groups.
enum BrokerControlBatches {
    /// The broker handles a request on its only thread, during which it delivers nothing: about 2.5 µs per device
    /// (`hookcast-bench control`, release build: 0.17 ms to read and apply 100, 0.08 ms to journal them; inside
    /// the broker, 0.21 ms at the median for 100). Requests of 50 held it 0.13 ms without a measurable change in
    /// the broker's stall, so 100 it is, half the round trips: an import of 10,000 devices is 100 requests
    /// (bench/README.md, "Broker accounts").
    static let devicesPerRequest = 100

    /// Room left under the byte limit for the request's own JSON around the devices.
    static let byteBudget = BrokerControl.maximumRequestBytes - 4 * 1024

    static func putDevices(_ accounts: [BrokerDeviceAccount]) -> [[BrokerDeviceAccount]] {
        split(accounts) { account in
            // {"id":"…","credential":"…","groups":["…",…]},
            40 + account.id.rawValue.utf8.count + account.credential.utf8.count + groupBytes(account.groups)
        }
    }

    static func setGroups(_ devices: [BrokerDeviceGroups]) -> [[BrokerDeviceGroups]] {
        split(devices) { device in 24 + device.id.rawValue.utf8.count + groupBytes(device.groups) }
    }

    /// Identifiers need no JSON escaping (letters, digits, `_` and `-` only), so the size of
    /// each item is known without encoding it.
    private static func groupBytes(_ groups: [GroupID]) -> Int {
        groups.reduce(0) { $0 + $1.rawValue.utf8.count + 3 }
    }

    private static func split<Item>(_ items: [Item], size: (Item) -> Int) -> [[Item]] {
        var batches: [[Item]] = []
        var batch: [Item] = []
        var bytes = 0
        for item in items {
            let itemBytes = size(item)
            if !batch.isEmpty,
                batch.count == devicesPerRequest || bytes + itemBytes > byteBudget
            {
                batches.append(batch)
                batch = []
                bytes = 0
            }
            batch.append(item)
            bytes += itemBytes
        }
        if !batch.isEmpty { batches.append(batch) }
        return batches
    }
}
