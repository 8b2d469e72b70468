import ArgumentParser
import Foundation
import MingleServer

struct CheckConfig: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate an event file (or a server settings file and its event) and print a summary.")

    @Argument(help: "Path to event.json or server.json.")
    var path: String

    func run() throws {
        switch ConfigCheck.run(path: path) {
        case .success(let summary):
            print(summary)
        case .failure(let errors):
            FileHandle.standardError.write(Data((errors.description + "\n").utf8))
            throw ExitCode(1)
        }
    }
}
