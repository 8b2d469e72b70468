// qr-render: one QR code per line of standard input, for the decode round trip
// (scripts/qr-roundtrip.py) and the display preview (scripts/display-preview.py).
//
//     qr-render [-L|-M|-Q|-H] [--mask N] OUTPUT_DIRECTORY < lines
//
// For line n (from 1) it writes OUTPUT_DIRECTORY/n.svg (SVGWriter) and OUTPUT_DIRECTORY/n.txt
// (a header "version level mask size", then one row of 0/1 per line, 1 dark).
import Foundation
import QRCode

func fail(_ message: String, status: Int32) -> Never {
    FileHandle.standardError.write(Data("qr-render: \(message)\n".utf8))
    exit(status)
}

var level = ErrorCorrectionLevel.medium
var directory: String?
var mask: Int?
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--mask":
        guard let value = arguments.popFirst().flatMap({ Int($0) }), (0...7).contains(value) else { fail("--mask takes 0...7", status: 2) }
        mask = value
    case "-L": level = .low
    case "-M": level = .medium
    case "-Q": level = .quartile
    case "-H": level = .high
    default: directory = argument
    }
}
guard let directory else { fail("usage: qr-render [-L|-M|-Q|-H] [--mask N] OUTPUT_DIRECTORY < lines", status: 2) }

var number = 0
while let line = readLine(strippingNewline: true) {
    number += 1
    let symbol: QRSymbol
    do {
        symbol = try QRSymbol(encoding: line, errorCorrection: level, mask: mask)
    } catch {
        fail("line \(number): \(error)", status: 1)
    }
    var text = "\(symbol.version) \(level) \(symbol.mask) \(symbol.size)\n"
    for row in symbol.rows { text += String(row.map { $0 ? "1" : "0" }) + "\n" }
    do {
        try SVGWriter.svg(for: symbol, title: "QR code: \(line)").write(toFile: "\(directory)/\(number).svg", atomically: false, encoding: .utf8)
        try text.write(toFile: "\(directory)/\(number).txt", atomically: false, encoding: .utf8)
    } catch {
        fail("cannot write to \(directory): \(error)", status: 1)
    }
}
