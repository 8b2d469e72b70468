import ByteText

/// Turning a request path into the name of a loaded file. The table holds only files read at start,
/// so no request can name anything else; the checks below still refuse the traversal shapes outright,
/// so a later change to how files are found cannot reopen them.
extension StaticFiles {
    enum PathLookup: Equatable {
        /// The decoded path to look up, e.g. "/index.html".
        case file(String)
        /// Not a path this handler serves (asterisk-form); another route may.
        case notOurs
        /// A traversal or malformed path, answered 404 without looking anything up.
        case refused
    }

    static func lookup(forRequestPath path: String) -> PathLookup {
        guard path.hasPrefix("/") else { return .notOurs }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(path.utf8.count + 10)
        // Segment by segment, so an encoded "/" is told from a real one: it would let a segment
        // check pass and the name still climb.
        for (index, raw) in path.utf8.split(separator: ASCII.slash, omittingEmptySubsequences: false).enumerated() {
            guard let segment = PercentDecoding.decode(raw, plusAsSpace: false), !segment.contains(ASCII.slash) else {
                return .refused
            }
            if index > 0 { decoded.append(ASCII.slash) }
            decoded += segment
        }
        // NUL ends a C path early; other controls and "\\" have no place in a file name we serve.
        if decoded.contains(where: { $0 < 0x20 || $0 == 0x7F || $0 == ASCII.backslash }) { return .refused }
        if decoded.last == UInt8(ascii: "/") {
            decoded.append(contentsOf: "index.html".utf8)
        }
        for segment in decoded.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).dropFirst() {
            if segment.isEmpty || segment.elementsEqual(".".utf8) || segment.elementsEqual("..".utf8) {
                return .refused
            }
        }
        guard let name = String(validating: decoded, as: UTF8.self) else { return .refused }
        return .file(name)
    }
}
