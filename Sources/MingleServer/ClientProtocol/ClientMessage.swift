import Foundation
import Mingling

/// A validated message from an attendee's browser (see README.md in this folder).
enum ClientMessage: Equatable, Sendable {
    case join(Profile, accessCode: String?)
    case resume(token: String)
    case chat(text: String)
    case signal(to: AttendeeID, kind: SignalKind, payload: String)
    case stayInTouch(with: AttendeeID)
    case withdrawStayInTouch(with: AttendeeID)
    case leaveBreakout
    case report(about: AttendeeID, reason: String)
    case block(whom: AttendeeID)
    case sync(clientTime: Double)

    var type: String {
        switch self {
        case .join: "join"
        case .resume: "resume"
        case .chat: "chat"
        case .signal: "signal"
        case .stayInTouch: "stay_in_touch"
        case .withdrawStayInTouch: "withdraw_stay_in_touch"
        case .leaveBreakout: "leave_breakout"
        case .report: "report"
        case .block: "block"
        case .sync: "sync"
        }
    }
}

/// A message the server refuses, with the stable code sent back in an `error` message.
struct ProtocolError: Error, Equatable, Sendable {
    var code: String
    var message: String
    /// The `type` of the refused request, when it was known.
    var request: String?

    static func badField(_ name: String, _ rule: String, request: String?) -> ProtocolError {
        ProtocolError(code: "bad_field", message: "\(name): \(rule)", request: request)
    }
}

extension ClientMessage {
    /// Bounds of text fields, in characters (Unicode scalars would let combining marks through
    /// cheaply; characters are what people see).
    enum Bounds {
        static let name = 1...60
        static let organisation = 0...100
        static let email = 0...254
        static let link = 0...300
        static let chat = 1...1000
        static let signalPayload = 1...12_000
        static let reportReason = 1...500
        static let accessCode = 0...100
        static let token = 1...200
        static let maxAttributes = 32
    }

    /// Parses and validates one text frame. Never traps: every problem is a `ProtocolError`.
    static func decode(_ bytes: UnsafeRawBufferPointer) throws(ProtocolError) -> ClientMessage {
        let object: [String: Any]
        do {
            guard let o = try JSONSerialization.jsonObject(with: Data(bytes), options: []) as? [String: Any] else {
                throw ProtocolError(code: "bad_json", message: "expected a JSON object", request: nil)
            }
            object = o
        } catch let e as ProtocolError {
            throw e
        } catch {
            throw ProtocolError(code: "bad_json", message: "not valid JSON", request: nil)
        }
        guard let type = object["type"] as? String else {
            throw ProtocolError(code: "unknown_type", message: "missing \"type\"", request: nil)
        }
        let f = Fields(object: object, request: type)
        switch type {
        case "join":
            let name = try f.string("name", Bounds.name)
            let attributesAny = object["attributes"] ?? [String: Any]()
            guard let attrs = attributesAny as? [String: Any], attrs.count <= Bounds.maxAttributes else {
                throw .badField("attributes", "must be an object of at most \(Bounds.maxAttributes) entries", request: type)
            }
            var attributes: [String: String] = [:]
            for (k, v) in attrs {
                guard let s = v as? String, (1...64).contains(s.count), (1...64).contains(k.count) else {
                    throw .badField("attributes.\(k)", "must be a value id (1-64 characters)", request: type)
                }
                attributes[k] = s
            }
            let organisation = try f.optionalString("organisation", Bounds.organisation)
            var card: ContactCard?
            if let contactAny = object["contact"], !(contactAny is NSNull) {
                guard let contact = contactAny as? [String: Any] else {
                    throw .badField("contact", "must be an object", request: type)
                }
                let c = Fields(object: contact, request: type, prefix: "contact.")
                let email = try c.optionalString("email", Bounds.email)
                if let email, !email.isEmpty, !email.contains("@") {
                    throw .badField("contact.email", "must contain @", request: type)
                }
                let link = try c.optionalString("link", Bounds.link)
                if let link, !link.isEmpty, !(link.hasPrefix("https://") || link.hasPrefix("http://")) {
                    throw .badField("contact.link", "must start with https:// or http://", request: type)
                }
                card = ContactCard(name: try c.optionalString("name", Bounds.name.lowerBound - 1...Bounds.name.upperBound),
                                   organisation: try c.optionalString("organisation", Bounds.organisation),
                                   email: email.flatMap { $0.isEmpty ? nil : $0 },
                                   link: link.flatMap { $0.isEmpty ? nil : $0 })
                if card == ContactCard() { card = nil }
            }
            let code = try f.optionalString("accessCode", Bounds.accessCode)
            let profile = Profile(displayName: name, attributes: attributes,
                                  organisation: organisation.flatMap { $0.isEmpty ? nil : $0 }, contactCard: card)
            return .join(profile, accessCode: code)
        case "resume":
            return .resume(token: try f.string("token", Bounds.token))
        case "chat":
            return .chat(text: try f.string("text", Bounds.chat))
        case "signal":
            let kindText = try f.string("kind", 1...16)
            guard let kind = SignalKind(rawValue: kindText) else {
                throw .badField("kind", "must be offer, answer or candidate", request: type)
            }
            return .signal(to: try f.attendee("to"), kind: kind, payload: try f.string("payload", Bounds.signalPayload))
        case "stay_in_touch":
            return .stayInTouch(with: try f.attendee("with"))
        case "withdraw_stay_in_touch":
            return .withdrawStayInTouch(with: try f.attendee("with"))
        case "leave_breakout":
            return .leaveBreakout
        case "report":
            return .report(about: try f.attendee("about"), reason: try f.string("reason", Bounds.reportReason))
        case "block":
            return .block(whom: try f.attendee("whom"))
        case "sync":
            guard let t = JSONValues.double(object["clientTime"]) else {
                throw .badField("clientTime", "must be a number", request: type)
            }
            return .sync(clientTime: t)
        default:
            throw ProtocolError(code: "unknown_type", message: "unknown type \"\(type.prefix(40))\"", request: nil)
        }
    }

    /// Typed field access that names the field in every error.
    private struct Fields {
        let object: [String: Any]
        let request: String
        var prefix = ""

        func string(_ name: String, _ bounds: ClosedRange<Int>) throws(ProtocolError) -> String {
            guard let s = object[name] as? String else {
                throw .badField(prefix + name, "must be a string", request: request)
            }
            guard bounds.contains(s.count) else {
                throw .badField(prefix + name, "must be \(bounds.lowerBound)-\(bounds.upperBound) characters, got \(s.count)", request: request)
            }
            return s
        }

        func optionalString(_ name: String, _ bounds: ClosedRange<Int>) throws(ProtocolError) -> String? {
            guard let v = object[name], !(v is NSNull) else { return nil }
            guard let s = v as? String else { throw .badField(prefix + name, "must be a string", request: request) }
            guard s.count <= bounds.upperBound else {
                throw .badField(prefix + name, "must be at most \(bounds.upperBound) characters, got \(s.count)", request: request)
            }
            return s.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        func attendee(_ name: String) throws(ProtocolError) -> AttendeeID {
            guard let n = JSONValues.int(object[name]), let v = UInt32(exactly: n), v > 0 else {
                throw .badField(prefix + name, "must be an attendee id", request: request)
            }
            return AttendeeID(v)
        }
    }
}
