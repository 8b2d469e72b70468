import ByteText
/// permessage-deflate negotiation on the server (RFC 7692 §5, §7.1).
///
/// Offers are tried in the client's order of preference; an offer that is invalid or that we
/// cannot honour is declined and the next one is tried (§5.1: "the server MUST decline an offer
/// with invalid parameters"; §7.1: "A server MUST decline an extension negotiation offer for this
/// extension if ... [it] has an extension parameter not defined for use in an offer, ... an
/// extension parameter with an invalid value, ... multiple extension parameters with the same name").
enum PerMessageDeflateNegotiation {
    static let extensionName = "permessage-deflate"

    static func negotiate(offers: [ExtensionOffer], policy: PerMessageDeflatePolicy) -> PerMessageDeflateParameters? {
        for offer in offers where ASCII.equalsIgnoringCase(offer.name, extensionName) {
            if let accepted = accept(offer, policy: policy) { return accepted }
        }
        return nil
    }

    private struct Offer {
        var serverNoContextTakeover = false
        var clientNoContextTakeover = false
        var serverMaxWindowBits: Int?
        /// .some(nil): offered without a value.
        var clientMaxWindowBits: Int??
    }

    static func accept(_ offer: ExtensionOffer, policy: PerMessageDeflatePolicy) -> PerMessageDeflateParameters? {
        guard let parsed = parse(offer) else { return nil }

        // §7.1.1.1: "A server accepts an extension negotiation offer that includes the
        // server_no_context_takeover extension parameter by including [it] in the response";
        // the server may also include it unasked.
        let serverNoContextTakeover = parsed.serverNoContextTakeover || policy.serverNoContextTakeover

        // §7.1.2.1: accept "by including the server_max_window_bits extension parameter in the
        // extension negotiation response ... with the same or smaller value as the offer".
        // An offer of 8 is accepted and answered as 8: the value only bounds how far back the
        // server's matches reach (2^8 bytes), and zlib, which refuses raw 8-bit windows, is run
        // with 9 bits, whose matches never reach back more than 512 - 262 = 250 bytes.
        let serverWindow = min(policy.serverMaxWindowBits, parsed.serverMaxWindowBits ?? 15)
        let answeredServerWindow = parsed.serverMaxWindowBits == nil ? nil : serverWindow

        // §7.1.2.2: "If a received extension negotiation offer doesn't have the
        // client_max_window_bits extension parameter, the corresponding extension negotiation
        // response to the offer MUST NOT include the client_max_window_bits extension parameter."
        var answeredClientWindow: Int?
        var inflateWindow = 15
        if let offered = parsed.clientMaxWindowBits {
            let clientLimit = offered ?? 15
            let asked = min(policy.clientMaxWindowBits, clientLimit)
            if asked < clientLimit { answeredClientWindow = asked }
            // A zlib-based client never uses a window below 9 bits (its distances then stay <= 250).
            inflateWindow = max(asked, 9)
        }

        return PerMessageDeflateParameters(
            serverNoContextTakeover: serverNoContextTakeover,
            clientNoContextTakeover: policy.clientNoContextTakeover,
            serverMaxWindowBits: answeredServerWindow,
            clientMaxWindowBits: answeredClientWindow,
            deflateWindowBits: max(serverWindow, 9),
            inflateWindowBits: inflateWindow
        )
    }

    private static func parse(_ offer: ExtensionOffer) -> Offer? {
        var result = Offer()
        var seen = Set<String>()
        for parameter in offer.parameters {
            let name = String(decoding: parameter.name.utf8.map(ASCII.lowercased), as: UTF8.self)
            guard seen.insert(name).inserted else { return nil }  // duplicate parameter
            switch name {
            case "server_no_context_takeover":
                guard parameter.value == nil else { return nil }
                result.serverNoContextTakeover = true
            case "client_no_context_takeover":
                guard parameter.value == nil else { return nil }
                result.clientNoContextTakeover = true
            case "server_max_window_bits":
                guard let value = parameter.value, let bits = windowBits(value) else { return nil }
                result.serverMaxWindowBits = bits
            case "client_max_window_bits":
                if let value = parameter.value {
                    guard let bits = windowBits(value) else { return nil }
                    result.clientMaxWindowBits = .some(bits)
                } else {
                    result.clientMaxWindowBits = .some(nil)
                }
            default:
                return nil  // unknown parameter
            }
        }
        return result
    }

    /// §7.1.2.1: "a decimal integer value without leading zeroes between 8 to 15, inclusive".
    static func windowBits(_ text: String) -> Int? {
        let digits = Array(text.utf8)
        guard (1...2).contains(digits.count), digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), digits[0] != 0x30 else {
            return nil
        }
        let value = digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
        return (8...15).contains(value) ? value : nil
    }
}
