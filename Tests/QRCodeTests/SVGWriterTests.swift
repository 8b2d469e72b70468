import Testing
@testable import QRCode

@Suite struct SVGWriterTests {
    static let link = "https://mingle.example.org/r/workshop-a"

    @Test func documentShape() throws {
        let symbol = try QRSymbol(encoding: Self.link)
        let svg = SVGWriter.svg(for: symbol, title: "QR code for \(Self.link)")
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 37 37\""))   // 29 + 2 x 4
        #expect(svg.contains("role=\"img\""))
        #expect(svg.contains("aria-labelledby=\"qr-title\""))
        #expect(svg.contains("<title id=\"qr-title\">QR code for https://mingle.example.org/r/workshop-a</title>"))
        #expect(svg.contains("shape-rendering=\"crispEdges\""))
        #expect(svg.contains("<rect width=\"37\" height=\"37\" fill=\"#fff\"/>"))
        #expect(svg.ranges(of: "<path").count == 1)
        // Nothing that could load or run anything.
        for forbidden in ["href", "<script", "<style", "<image", "url(", "<foreignObject", " on"] {
            #expect(!svg.contains(forbidden))
        }
        #expect(svg.hasSuffix("</svg>\n"))
    }

    @Test func titleIsEscaped() throws {
        let symbol = try QRSymbol(encoding: "x")
        let svg = SVGWriter.svg(for: symbol, title: "R&D <lab> \"A\" 'B'\u{7}\u{0}")
        #expect(svg.contains("<title id=\"qr-title\">R&amp;D &lt;lab&gt; &quot;A&quot; &apos;B&apos;</title>"))
    }

    /// Painting the path's rectangles gives back exactly the dark modules, offset by the quiet zone.
    @Test(arguments: [0, 1, 4])
    func pathPaintsExactlyTheDarkModules(quietZone: Int) throws {
        let symbol = try QRSymbol(encoding: Self.link + "?from=poster", errorCorrection: .high)
        let svg = SVGWriter.svg(for: symbol, title: "t", quietZone: quietZone)
        let side = symbol.size + 2 * quietZone
        var painted = [Bool](repeating: false, count: side * side)
        let d = try #require(svg.split(separator: "d=\"").last?.split(separator: "\"").first)
        var runs = 0
        for command in d.split(separator: "z") {
            // "M<x> <y>h<len>v1h-<len>"
            let parts = command.dropFirst().split(whereSeparator: { " hv".contains($0) })
            let x = Int(parts[0])!, y = Int(parts[1])!, length = Int(parts[2])!
            #expect(parts[3] == "1" && Int(parts[4]) == -length)
            for column in x..<(x + length) {
                #expect(!painted[y * side + column], "painted twice")
                painted[y * side + column] = true
            }
            // Runs are maximal: the modules just outside are light.
            #expect(x == quietZone || !symbol[y - quietZone, x - quietZone - 1])
            #expect(x + length == quietZone + symbol.size || !symbol[y - quietZone, x + length - quietZone])
            runs += 1
        }
        for row in 0..<side {
            for column in 0..<side {
                let inside = (quietZone..<(quietZone + symbol.size)).contains(row) && (quietZone..<(quietZone + symbol.size)).contains(column)
                let expected = inside && symbol[row - quietZone, column - quietZone]
                #expect(painted[row * side + column] == expected)
            }
        }
        #expect(runs > 0)
    }
}
