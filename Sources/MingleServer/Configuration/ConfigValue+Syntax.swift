import Foundation

extension ConfigValue {
    /// Where a file that failed to parse goes wrong, as "line L, column C", or `nil` if unknown.
    ///
    /// Foundation's JSON5 parser reports no position, its strict parser does ("around character N").
    /// So comments and trailing commas (the JSON5 extras organisers use) are blanked out with spaces,
    /// keeping every offset, and the strict parser is asked. In files that also use unquoted keys or
    /// single-quoted strings the position may point at the first of those instead.
    static func syntaxErrorPosition(_ data: Data) -> String? {
        let bytes = blankCommentsAndTrailingCommas(Array(data))
        do {
            _ = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
            return nil
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? ""
            guard let range = detail.range(of: "around character "),
                  let offset = Int(detail[range.upperBound...].prefix { $0.isNumber }), offset <= bytes.count
            else { return nil }
            var line = 1
            var column = 1
            for byte in bytes[..<offset] {
                if byte == 0x0A {
                    line += 1
                    column = 1
                } else if byte & 0xC0 != 0x80 {
                    column += 1
                }
            }
            return "line \(line), column \(column)"
        }
    }

    static func blankCommentsAndTrailingCommas(_ input: [UInt8]) -> [UInt8] {
        var bytes = input
        let slash: UInt8 = 0x2F, star: UInt8 = 0x2A, newline: UInt8 = 0x0A, backslash: UInt8 = 0x5C
        var index = 0
        var quote: UInt8? = nil
        // Pass 1: comments, outside strings.
        while index < bytes.count {
            let byte = bytes[index]
            if let open = quote {
                if byte == backslash { index += 2; continue }
                if byte == open { quote = nil }
                index += 1
            } else if byte == 0x22 || byte == 0x27 {
                quote = byte
                index += 1
            } else if byte == slash, index + 1 < bytes.count, bytes[index + 1] == slash {
                while index < bytes.count && bytes[index] != newline { bytes[index] = 0x20; index += 1 }
            } else if byte == slash, index + 1 < bytes.count, bytes[index + 1] == star {
                bytes[index] = 0x20
                bytes[index + 1] = 0x20
                index += 2
                while index < bytes.count && !(bytes[index] == star && index + 1 < bytes.count && bytes[index + 1] == slash) {
                    if bytes[index] != newline { bytes[index] = 0x20 }
                    index += 1
                }
                for end in index..<min(index + 2, bytes.count) { bytes[end] = 0x20 }
                index += 2
            } else {
                index += 1
            }
        }
        // Pass 2: a comma followed only by whitespace before `}` or `]`.
        index = 0
        quote = nil
        while index < bytes.count {
            let byte = bytes[index]
            if let open = quote {
                if byte == backslash { index += 2; continue }
                if byte == open { quote = nil }
            } else if byte == 0x22 || byte == 0x27 {
                quote = byte
            } else if byte == 0x2C {
                var next = index + 1
                while next < bytes.count && [0x20, 0x09, 0x0A, 0x0D].contains(bytes[next]) { next += 1 }
                if next < bytes.count && (bytes[next] == 0x7D || bytes[next] == 0x5D) { bytes[index] = 0x20 }
            }
            index += 1
        }
        return bytes
    }
}
