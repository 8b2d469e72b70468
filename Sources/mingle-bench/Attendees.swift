import ArgumentParser

struct Attendees: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Simulated attendees (not yet).")
    func run() throws {}
}
