/// Renders a symbol as a self-contained SVG document: a white square (symbol plus quiet zone) and
/// one `<path>` holding every dark module, each horizontal run of dark modules merged into one
/// rectangle. One unit of the `viewBox` is one module; the page scales it (crisp edges keep the
/// modules square when the scale is not a whole number of pixels).
///
///     <svg xmlns=… viewBox="0 0 33 33" role="img" aria-labelledby="qr-title" shape-rendering="crispEdges">
///       <title id="qr-title">…</title>
///       <rect width="33" height="33" fill="#fff"/>
///       <path fill="#000" d="M4 4h7v1h-7z…"/>
///     </svg>
///
/// No scripts, styles, fonts or external references, so it is safe to serve under a strict CSP
/// and to embed with `<img>`.
public enum SVGWriter {
    /// The light margin a reader needs around the symbol (ISO/IEC 18004 §5.3.8: four modules).
    public static let standardQuietZone = 4

    /// `title` names the image for assistive technology (e.g. "QR code for https://…").
    public static func svg(for symbol: QRSymbol, title: String, quietZone: Int = standardQuietZone) -> String {
        precondition(quietZone >= 0, "a quiet zone cannot be negative")
        let side = symbol.size + 2 * quietZone
        var path = ""
        path.reserveCapacity(symbol.size * symbol.size)
        for row in 0..<symbol.size {
            var column = 0
            while column < symbol.size {
                guard symbol[row, column] else { column += 1; continue }
                let start = column
                while column < symbol.size && symbol[row, column] { column += 1 }
                let length = column - start
                path += "M\(start + quietZone) \(row + quietZone)h\(length)v1h-\(length)z"
            }
        }
        return """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(side) \(side)" role="img" \
            aria-labelledby="qr-title" shape-rendering="crispEdges">\
            <title id="qr-title">\(escapeXML(title))</title>\
            <rect width="\(side)" height="\(side)" fill="#fff"/>\
            <path fill="#000" d="\(path)"/>\
            </svg>

            """
    }

    /// Escapes the five characters XML gives meaning to in text and attribute values, and drops the
    /// control characters XML 1.0 does not allow at all (§2.2 `Char`), so any title gives a valid
    /// document.
    static func escapeXML(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            if character.unicodeScalars.contains(where: { !isXMLChar($0) }) { continue }
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            default: result.append(character)
            }
        }
        return result
    }

    /// Char ::= #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
    private static func isXMLChar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }
}
