import ArgumentParser
import HookcastProtocol

@main
struct Hookcast: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hookcast",
        abstract: "Webhook-to-device command gateway over MQTT.",
        version: HookcastVersion.current,
        subcommands: [
            ServeCommand.self, KeysCommand.self, DevicesCommand.self, GroupsCommand.self, ActionsCommand.self,
            TriggerCommand.self, CommandsCommand.self, AuditCommand.self, CAPCommand.self, CallbacksCommand.self,
            IntegrationsCommand.self, ObserversCommand.self,
            DeviceCommand.self,
            BrokerSetupCommand.self,
            AdminCommand.self,
        ]
    )
}
