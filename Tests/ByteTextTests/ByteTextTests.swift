import Testing
import ByteText
import MingleTestSupport

@Suite struct PercentDecodingTests {
    private func decode(_ s: String, plusAsSpace: Bool = false) -> String? {
        PercentDecoding.decode(Array(s.utf8), plusAsSpace: plusAsSpace).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func decodesEscapesInEitherCase() {
        #expect(decode("/a%20b%2fc%2F") == "/a b/c/")
        #expect(decode("%C3%A9t%c3%a9") == "été")
        #expect(decode("plain") == "plain")
        #expect(decode("") == "")
    }

    @Test func plusIsASpaceOnlyInFormBodies() {
        #expect(decode("a+b", plusAsSpace: true) == "a b")
        #expect(decode("a+b") == "a+b")
        #expect(decode("%2B", plusAsSpace: true) == "+")
    }

    @Test func aMalformedEscapeIsRefused() {
        for bad in ["%", "%4", "a%zz", "%4g", "end%2"] {
            #expect(decode(bad) == nil, "\(bad)")
        }
    }
}

@Suite struct ASCIITests {
    @Test func comparesIgnoringCaseAndTrimsOptionalWhitespace() {
        #expect(ASCII.equalsIgnoringCase("Upgrade", "uPGRADE"))
        #expect(!ASCII.equalsIgnoringCase("Upgrade", "Upgrades"))
        #expect(ASCII.trimmed(" \t value \t") == "value")
        #expect(ASCII.listElements(" a , ,b,,  c ") == ["a", "b", "c"])
        #expect(ASCII.listContains("keep-alive, Upgrade", token: "upgrade"))
        #expect(!ASCII.listContains("keep-alive, Upgraded", token: "upgrade"))
    }

    @Test func listMembershipMatchesTheElementsOfTheList() {
        for (value, found) in [("upgrade", true), (",,Upgrade,,", true), (" \tUPGRADE\t ", true), ("a,upgrade", true),
                               ("upgrade ,b", true), ("", false), (",", false), ("up grade", false), ("xupgrade", false),
                               ("upgradex,upgrad", false), (" , ", false)] {
            #expect(ASCII.listContains(value, token: "upgrade") == found, "\(value)")
        }
        #expect(!ASCII.listContains("a,,b", token: ""))
        // Against the definition (split on commas, trim OWS, compare ignoring case) over random ASCII lists.
        var random = SplitMix64(seed: 14)
        let alphabet = Array("uUpPgGrRaAdDeE, \t-x".utf8)
        for _ in 0..<2_000 {
            let value = String(decoding: (0..<Int.random(in: 0...24, using: &random)).map { _ in alphabet.randomElement(using: &random)! },
                               as: UTF8.self)
            let expected = ASCII.listElements(value).contains { ASCII.equalsIgnoringCase(String($0), "upgrade") }
            #expect(ASCII.listContains(value, token: "upgrade") == expected, "\(value)")
        }
    }

    @Test func byteClassesFollowRFC9110() {
        let tchars = (0...255).map(UInt8.init).filter(ASCII.isTokenChar)
        #expect(tchars.count == 26 * 2 + 10 + 15)
        #expect(!ASCII.isTokenChar(UInt8(ascii: "(")) && !ASCII.isTokenChar(0x7F) && !ASCII.isTokenChar(0xC3))
        #expect(ASCII.hexValue(UInt8(ascii: "f")) == 15 && ASCII.hexValue(UInt8(ascii: "F")) == 15 && ASCII.hexValue(UInt8(ascii: "g")) == nil)
    }
}
