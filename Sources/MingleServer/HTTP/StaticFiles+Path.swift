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
        var bytes = path.utf8.makeIterator()
        while let byte = bytes.next() {
            var value = byte
            if byte == UInt8(ascii: "%") {
                guard let high = bytes.next().flatMap(hexValue), let low = bytes.next().flatMap(hexValue) else {
                    return .refused
                }
                value = high << 4 | low
                // An encoded "/" or "\" would let a segment check pass and the name still climb.
                if value == UInt8(ascii: "/") { return .refused }
            }
            // NUL ends a C path early; other controls have no place in a file name we serve.
            if value < 0x20 || value == 0x7F || value == UInt8(ascii: "\\") { return .refused }
            decoded.append(value)
        }
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

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
