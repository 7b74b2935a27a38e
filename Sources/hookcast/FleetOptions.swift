import ArgumentParser

/// `hookcast device --count N`: a simulated fleet instead of one agent.
struct FleetOptions: ParsableArguments {
    @Option(help: "Simulate this many devices in this process, instead of running one agent (--id).")
    var count: Int?

    @Option(name: .customLong("id-prefix"), help: "With --count: device ids are <prefix><index>, e.g. sim-00001.")
    var idPrefix: String = "sim-"

    @Option(name: .customLong("start-index"), help: "With --count: the index of the first device.")
    var startIndex: Int = 1

    @Option(
        name: .customLong("passwords-dir"),
        help: """
            With --count: read each device's broker password from <dir>/<device id>.password, as \\
            `hookcast devices import --passwords-dir` writes them. Otherwise HOOKCAST_MQTT_PASSWORD is every \\
            device's password, or the broker is open.
            """)
    var passwordsDirectory: String?
}
