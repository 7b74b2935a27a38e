import ArgumentParser

/// The end-to-end benchmark (issue 7): Hookcast against the peers and the ceilings. scripts/bench runs it.
@main
struct HookcastBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hookcast-bench",
        abstract: "Webhook → device acknowledgement benchmarks for Hookcast and its peers.",
        subcommands: [
            RunCommand.self, LoadCommand.self, BareHTTPCommand.self, AccountsCommand.self, ControlCommand.self,
            RetentionCommand.self, IntakeCommand.self, AckSinkCommand.self,
        ])
}
