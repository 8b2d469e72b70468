import ArgumentParser
import MingleServer

@main
struct MingleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mingle",
        abstract: "Mingle: timed, region-mixed breakouts for digital and hybrid events.",
        subcommands: [Serve.self, CheckConfig.self, Logs.self],
        defaultSubcommand: Serve.self
    )
}
