import ArgumentParser

@main
struct Hookcast: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hookcast",
        abstract: "Webhook-to-device command gateway over MQTT.",
        version: HookcastVersionString.current,
        subcommands: [
            ServeCommand.self, KeysCommand.self, DevicesCommand.self, GroupsCommand.self, ActionsCommand.self,
            TriggerCommand.self, DeviceCommand.self,
        ]
    )
}
