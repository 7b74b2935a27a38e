import ArgumentParser
import Foundation
import HookcastServer

/// `hookcast admin …`: looks after the gateway's own admin credentials, on the data directory (no gateway needed).
struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin", abstract: "Manage the gateway's admin token.",
        subcommands: [RotateTokenCommand.self])

    struct RotateTokenCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-token",
            abstract: "Replace the admin token with a new random one and print it once.",
            discussion: """
                Works on the data directory, also while a gateway runs on it: the gateway reads the stored hash \
                again at its next admin request, and the old token stops working there and then. A gateway started \
                with HOOKCAST_ADMIN_TOKEN puts that token back at its next start: change or unset the variable too.
                """)

        @Option(name: .customLong("data-dir"), help: "The gateway's data directory (HOOKCAST_DATA_DIR).")
        var dataDirectory: String = Environment.value("HOOKCAST_DATA_DIR") ?? "data"

        func run() throws {
            let directory = URL(fileURLWithPath: dataDirectory)
            guard FileManager.default.fileExists(atPath: directory.path) else {
                throw ValidationError("There is no data directory at \(directory.path); start the gateway once first.")
            }
            let token = try AdminToken.rotate(dataDirectory: directory)
            // Shown once, on standard output only; only its hash is kept.
            print(token)
            if Environment.value("HOOKCAST_ADMIN_TOKEN") != nil {
                FileHandle.standardError.write(
                    Data(
                        ("HOOKCAST_ADMIN_TOKEN is set here: a gateway started with it replaces this token again; "
                            + "update or unset it.\n").utf8))
            }
        }
    }
}
