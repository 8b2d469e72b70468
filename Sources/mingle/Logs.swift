import ArgumentParser
import Foundation
import MingleServer

struct Logs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Reports from the connection log and the journal, for after the event.",
        subcommands: [Summary.self, ExportContacts.self])

    struct Summary: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Connections, unique attendees, session lengths, close codes, reconnects, regions and meetings, busiest minute.")

        @Argument(help: "Connection log files (var/connections.jsonl and its rotated files).")
        var files: [String]

        @Option(name: .long, help: "The journal, for attendees and meetings by region (default: var/journal.jsonl when it exists).")
        var journal: String?

        @Option(name: .long, help: "The attribute that names regions.")
        var regionAttribute = "region"

        func run() throws {
            let journalPath = journal ?? (FileManager.default.fileExists(atPath: "var/journal.jsonl") ? "var/journal.jsonl" : nil)
            do {
                let summary = try LogSummary.make(logFiles: files, journal: journalPath, regionAttribute: regionAttribute)
                print(summary.text)
            } catch {
                FileHandle.standardError.write(Data("mingle logs summary: \(error)\n".utf8))
                throw ExitCode(1)
            }
        }
    }

    struct ExportContacts: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export-contacts",
            abstract: "CSV of the contact cards each attendee received by mutual consent.")

        @Option(name: .long, help: "The journal (default: var/journal.jsonl).")
        var journal = "var/journal.jsonl"

        @Option(name: .shortAndLong, help: "Write the CSV here (mode 0600) instead of standard output.")
        var output: String?

        func run() throws {
            let csv: String
            do { csv = try ContactExport.csv(journal: journal) } catch {
                FileHandle.standardError.write(Data("mingle logs export-contacts: \(error)\n".utf8))
                throw ExitCode(1)
            }
            if let output {
                guard FileManager.default.createFile(atPath: output, contents: Data(csv.utf8), attributes: [.posixPermissions: 0o600]) else {
                    FileHandle.standardError.write(Data("mingle logs export-contacts: cannot write \(output)\n".utf8))
                    throw ExitCode(1)
                }
            } else {
                print(csv, terminator: "")
            }
        }
    }
}
