import EventLoop
import Foundation
import Mingling

/// Reading back what the previous server wrote, at start, before this one writes anything (the state
/// directory's lock says no other server writes here). `ConnectionLogRecovery` decides; this reads
/// the files and appends its lines.
extension ConnectionLogFile {
    /// Closes the connections the previous server left open (`ConnectionLogRecovery`) and returns how
    /// many. Reads the active file, then rotated ones newest first, back to the previous server's
    /// `started` line; a log whose newest line is `stopped` (a clean stop) costs one look at its end.
    func closeConnectionsLeftOpen(now: Timestamp) throws(FileError) -> Int {
        let files = [path] + rotatedFiles().reversed().map { directory + "/" + $0.name }
        var newestFirst: [[Substring]] = []
        for (index, file) in files.enumerated() {
            guard let data = FileManager.default.contents(atPath: file) else {
                // Listed a moment ago: gone since (retention), or unreadable. Either way it tells nothing more.
                if index == 0 { continue } else { break }
            }
            let text = String(decoding: data, as: UTF8.self)
            if index == 0, !text.isEmpty, !text.hasSuffix("\n") {
                // A power loss tore the last line: end it, so the lines below do not run into it.
                appendRaw([10])
            }
            var lines = text.split(separator: "\n")
            if newestFirst.allSatisfy(\.isEmpty), let newest = lines.last(where: { ConnectionLogRecovery.parse($0) != nil }) {
                if ConnectionLogRecovery.parse(newest)?.event == ConnectionLogEvent.Kind.stopped.rawValue { return 0 }
            }
            if let start = lines.lastIndex(where: { $0.contains("\"event\":\"started\"") }) {
                lines = Array(lines[start...])
                newestFirst.append(lines)
                break
            }
            newestFirst.append(lines)
        }
        let lines = newestFirst.reversed().flatMap { $0 }.compactMap(ConnectionLogRecovery.parse)
        let closures = ConnectionLogRecovery.closures(for: lines)
        var privacy = AddressPrivacy(mode: .off)  // the lines carry no address
        for event in closures { try append(event.jsonLine(privacy: &privacy), now: now) }
        return closures.count
    }
}
