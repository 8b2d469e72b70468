import ByteText
/// One element of a `Sec-WebSocket-Extensions` list: an extension name with its parameters, in order.
public struct ExtensionOffer: Sendable, Equatable {
    public var name: String
    public var parameters: [ExtensionParameter]

    public init(name: String, parameters: [ExtensionParameter]) {
        self.name = name
        self.parameters = parameters
    }
}

public struct ExtensionParameter: Sendable, Equatable {
    public var name: String
    /// nil when the parameter has no value; quoted values are unescaped.
    public var value: String?

    public init(name: String, value: String?) {
        self.name = name
        self.value = value
    }
}

/// Parses `Sec-WebSocket-Extensions` (RFC 6455 §9.1):
///
///     extension-list = 1#extension
///     extension      = extension-token *( ";" extension-param )
///     extension-param = token [ "=" (token | quoted-string) ]
///
/// "When using the quoted-string syntax variant, the value after quoted-string unescaping MUST
/// conform to the 'token' ABNF." One pass over the bytes, no backtracking, at most `maxOffers`
/// offers kept, so hostile headers cost linear time and bounded memory.
public enum ExtensionHeaderParser {
    /// Offers beyond this count are ignored (declined).
    public static let maxOffers = 32

    /// nil when the value does not follow the grammar; the caller then negotiates no extension.
    public static func parse(_ value: String) -> [ExtensionOffer]? {
        var scanner = Scanner(bytes: Array(value.utf8))
        var offers: [ExtensionOffer] = []
        while true {
            scanner.skipOWS()
            if scanner.atEnd { break }
            if scanner.peek == UInt8(ascii: ",") { scanner.index += 1; continue }  // empty list element
            guard let name = scanner.token() else { return nil }
            var parameters: [ExtensionParameter] = []
            scanner.skipOWS()
            while scanner.peek == UInt8(ascii: ";") {
                scanner.index += 1
                scanner.skipOWS()
                guard let parameterName = scanner.token() else { return nil }
                scanner.skipOWS()
                var parameterValue: String?
                if scanner.peek == UInt8(ascii: "=") {
                    scanner.index += 1
                    scanner.skipOWS()
                    if scanner.peek == UInt8(ascii: "\"") {
                        guard let unquoted = scanner.quotedString(), !unquoted.isEmpty,
                              unquoted.allSatisfy(ASCII.isTokenChar) else { return nil }
                        parameterValue = String(decoding: unquoted, as: UTF8.self)
                    } else {
                        guard let token = scanner.token() else { return nil }
                        parameterValue = token
                    }
                    scanner.skipOWS()
                }
                if parameters.count < maxParametersPerOffer {
                    parameters.append(ExtensionParameter(name: parameterName, value: parameterValue))
                } else {
                    return nil
                }
            }
            if !scanner.atEnd {
                guard scanner.peek == UInt8(ascii: ",") else { return nil }
                scanner.index += 1
            }
            if offers.count < maxOffers { offers.append(ExtensionOffer(name: name, parameters: parameters)) }
        }
        return offers
    }

    /// A real offer has at most four parameters; a few duplicates are kept so they can be declined.
    static let maxParametersPerOffer = 16

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        var atEnd: Bool { index >= bytes.count }
        var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func skipOWS() {
            while index < bytes.count, ASCII.isWhitespace(bytes[index]) { index += 1 }
        }

        mutating func token() -> String? {
            let start = index
            while index < bytes.count, ASCII.isTokenChar(bytes[index]) { index += 1 }
            return index > start ? String(decoding: bytes[start..<index], as: UTF8.self) : nil
        }

        /// RFC 9110 §5.6.4 quoted-string, returning the unescaped content.
        mutating func quotedString() -> [UInt8]? {
            index += 1
            var content: [UInt8] = []
            while index < bytes.count {
                let c = bytes[index]
                index += 1
                switch c {
                case UInt8(ascii: "\""):
                    return content
                case UInt8(ascii: "\\"):
                    guard index < bytes.count else { return nil }
                    content.append(bytes[index])
                    index += 1
                default:
                    content.append(c)
                }
            }
            return nil  // unterminated
        }
    }
}
