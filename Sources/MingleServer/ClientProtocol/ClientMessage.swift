import Foundation
import Mingling

/// A validated message from an attendee's browser (see README.md in this folder).
enum ClientMessage: Equatable, Sendable {
    case join(Profile, accessCode: String?, room: RoomID?)
    case resume(token: String)
    /// Into a room, or back to the event's lobby with nil (`leave_room`).
    case enterRoom(RoomID?)
    case chat(text: String)
    case signal(to: AttendeeID, kind: SignalKind, payload: String)
    case stayInTouch(with: AttendeeID)
    case withdrawStayInTouch(with: AttendeeID)
    case leaveBreakout
    case report(about: AttendeeID, reason: String)
    case block(whom: AttendeeID)
    /// "Good conversation?" for a breakout that has ended: answered by `feedback_recorded`.
    case feedback(breakout: BreakoutID, answer: FeedbackAnswer)
    case sync(clientTime: Double)
    /// "Download my data": answered by `my_data`.
    case exportMyData
    /// "Delete me": the attendee's personal data go; answered by `deleted`, then the socket closes (4003).
    case deleteMe
    /// How one of the attendee's calls went (counted for the organisers; no answer).
    case callReport(CallReport)

    var type: String {
        switch self {
        case .join: "join"
        case .resume: "resume"
        case .enterRoom(let room): room == nil ? "leave_room" : "enter_room"
        case .chat: "chat"
        case .signal: "signal"
        case .stayInTouch: "stay_in_touch"
        case .withdrawStayInTouch: "withdraw_stay_in_touch"
        case .leaveBreakout: "leave_breakout"
        case .report: "report"
        case .block: "block"
        case .feedback: "feedback"
        case .sync: "sync"
        case .exportMyData: "export_my_data"
        case .deleteMe: "delete_me"
        case .callReport: "call_report"
        }
    }
}

/// A message the server refuses, with the stable code sent back in an `error` message.
struct ProtocolError: Error, Equatable, Sendable {
    var code: ErrorCode
    var message: String
    /// The `type` of the refused request, when it was known.
    var request: String?

    static func badField(_ name: String, _ rule: String, request: String?) -> ProtocolError {
        ProtocolError(code: .badField, message: "\(name): \(rule)", request: request)
    }
}

extension ClientMessage {
    // Bounds of text fields come from `Limits`, in characters (Unicode scalars would let combining marks
    // through cheaply; characters are what people see).

    /// Parses and validates one text frame. Never traps: every problem is a `ProtocolError`.
    static func decode(_ bytes: UnsafeRawBufferPointer) throws(ProtocolError) -> ClientMessage {
        let object: [String: Any]
        do {
            guard let o = try JSONSerialization.jsonObject(with: Data(bytes), options: []) as? [String: Any] else {
                throw ProtocolError(code: .badJSON, message: "expected a JSON object", request: nil)
            }
            object = o
        } catch let e as ProtocolError {
            throw e
        } catch {
            throw ProtocolError(code: .badJSON, message: "not valid JSON", request: nil)
        }
        guard let type = object["type"] as? String else {
            throw ProtocolError(code: .unknownType, message: "missing \"type\"", request: nil)
        }
        let f = Fields(object: object, request: type)
        switch type {
        case "join":
            let name = try f.string("name", Limits.displayName)
            let attributesAny = object["attributes"] ?? [String: Any]()
            guard let attrs = attributesAny as? [String: Any], Limits.attributesPerProfile.allows(attrs.count) else {
                throw .badField("attributes", "must be an object of at most \(Limits.attributesPerProfile.maximum) entries", request: type)
            }
            var attributes: [String: [String]] = [:]
            for (k, v) in attrs.sorted(by: { $0.key < $1.key }) {
                let values = try f.attributeValues(k, v)
                if !values.isEmpty { attributes[k] = values }
            }
            let organisation = try f.optionalString("organisation", Limits.organisation)
            var card: ContactCard?
            if let contactAny = object["contact"], !(contactAny is NSNull) {
                guard let contact = contactAny as? [String: Any] else {
                    throw .badField("contact", "must be an object", request: type)
                }
                let c = Fields(object: contact, request: type, prefix: "contact.")
                let email = try c.optionalString("email", Limits.email)
                if let email, !email.isEmpty, !email.contains("@") {
                    throw .badField("contact.email", "must contain @", request: type)
                }
                let link = try c.optionalString("link", Limits.link)
                if let link, !link.isEmpty, !(link.hasPrefix("https://") || link.hasPrefix("http://")) {
                    throw .badField("contact.link", "must start with https:// or http://", request: type)
                }
                card = ContactCard(name: try c.optionalString("name", Limits.contactName).flatMap { $0.isEmpty ? nil : $0 },
                                   organisation: try c.optionalString("organisation", Limits.contactOrganisation).flatMap { $0.isEmpty ? nil : $0 },
                                   email: email.flatMap { $0.isEmpty ? nil : $0 },
                                   link: link.flatMap { $0.isEmpty ? nil : $0 })
                if card == ContactCard() { card = nil }
            }
            let code = try f.optionalString("accessCode", Limits.accessCode)
            let profile = Profile(displayName: name, attributes: attributes,
                                  organisation: organisation.flatMap { $0.isEmpty ? nil : $0 }, contactCard: card)
            return .join(profile, accessCode: code, room: try f.optionalRoom("room"))
        case "resume":
            return .resume(token: try f.string("token", Limits.resumeToken))
        case "enter_room":
            guard let room = try f.optionalRoom("room") else { throw .badField("room", "must be a room id", request: type) }
            return .enterRoom(room)
        case "leave_room":
            return .enterRoom(nil)
        case "chat":
            return .chat(text: try f.string("text", Limits.chatText))
        case "signal":
            guard let kindText = object["kind"] as? String, let kind = SignalKind(rawValue: kindText) else {
                throw .badField("kind", "must be offer, answer or candidate", request: type)
            }
            return .signal(to: try f.attendee("to"), kind: kind, payload: try f.string("payload", Limits.signalPayload))
        case "stay_in_touch":
            return .stayInTouch(with: try f.attendee("with"))
        case "withdraw_stay_in_touch":
            return .withdrawStayInTouch(with: try f.attendee("with"))
        case "leave_breakout":
            return .leaveBreakout
        case "export_my_data":
            return .exportMyData
        case "delete_me":
            // The page asks for confirmation first; the message says it did, so a stray click cannot delete.
            guard object["confirm"] as? Bool == true else {
                throw .badField("confirm", "must be true (the attendee confirmed)", request: type)
            }
            return .deleteMe
        case "report":
            return .report(about: try f.attendee("about"), reason: try f.string("reason", Limits.reportReason))
        case "block":
            return .block(whom: try f.attendee("whom"))
        case "feedback":
            guard let n = JSONValues.int(object["breakout"]), let id = UInt64(exactly: n), id > 0 else {
                throw .badField("breakout", "must be a breakout id", request: type)
            }
            guard let text = object["answer"] as? String, let answer = FeedbackAnswer(rawValue: text) else {
                throw .badField("answer", "must be yes, so_so or no", request: type)
            }
            return .feedback(breakout: BreakoutID(id), answer: answer)
        case "call_report":
            return .callReport(CallReport(peer: try f.attendee("peer"), outcome: try f.callOutcome()))
        case "sync":
            guard let t = JSONValues.double(object["clientTime"]) else {
                throw .badField("clientTime", "must be a number", request: type)
            }
            return .sync(clientTime: t)
        default:
            throw ProtocolError(code: .unknownType, message: "unknown type \"\(type.prefix(40))\"", request: nil)
        }
    }

    /// Typed field access that names the field in every error.
    private struct Fields {
        let object: [String: Any]
        let request: String
        var prefix = ""

        func string(_ name: String, _ limit: Limit) throws(ProtocolError) -> String {
            guard let s = object[name] as? String else {
                throw .badField(prefix + name, "must be a string", request: request)
            }
            guard limit.allows(text: s) else {
                throw .badField(prefix + name, "must be \(limit), got \(limit.size(of: s))", request: request)
            }
            return s
        }

        func optionalString(_ name: String, _ limit: Limit) throws(ProtocolError) -> String? {
            guard let v = object[name], !(v is NSNull) else { return nil }
            guard let s = v as? String else { throw .badField(prefix + name, "must be a string", request: request) }
            guard limit.size(of: s) <= limit.maximum else {
                throw .badField(prefix + name, "must be at most \(limit.maximum) \(limit.unit.rawValue), got \(limit.size(of: s))", request: request)
            }
            return s.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        /// A room id (an identifier of the event file), or nil when absent or null.
        func optionalRoom(_ name: String) throws(ProtocolError) -> RoomID? {
            guard let v = object[name], !(v is NSNull) else { return nil }
            guard let s = v as? String, Limits.roomIdentifier.allows(text: s), ObjectReader.isIdentifier(s) else {
                throw .badField(prefix + name, "must be a room id (\(Limits.roomIdentifier) of a-z, 0-9, - and _)", request: request)
            }
            return RoomID(s)
        }

        /// One attribute's answer: a value id, or an array of distinct value ids (a `multiple` attribute; the
        /// engine refuses more than one value for any other). An empty array is no answer.
        func attributeValues(_ key: String, _ value: Any) throws(ProtocolError) -> [String] {
            let limit = Limits.attributeIdentifier
            let field = "attributes.\(key.prefix(64))"
            guard limit.allows(text: key) else { throw .badField(field, "must be an attribute id (\(limit))", request: request) }
            if let s = value as? String {
                guard limit.allows(text: s) else { throw .badField(field, "must be a value id (\(limit))", request: request) }
                return [s]
            }
            guard let list = value as? [Any] else {
                throw .badField(field, "must be a value id or an array of value ids", request: request)
            }
            guard Limits.attributeChoices.allows(list.count) else {
                throw .badField(field, "must have at most \(Limits.attributeChoices.maximum) values, got \(list.count)", request: request)
            }
            var values: [String] = []
            for item in list {
                guard let s = item as? String, limit.allows(text: s) else {
                    throw .badField(field, "must be an array of value ids (\(limit))", request: request)
                }
                guard !values.contains(s) else { throw .badField(field, "lists \"\(s)\" twice", request: request) }
                values.append(s)
            }
            return values
        }

        /// `outcome` and what it needs: `path` and `ms` when connected or recovered, `reason` and `ms` when failed.
        func callOutcome() throws(ProtocolError) -> CallReport.Outcome {
            switch object["outcome"] as? String {
            case "started": return .started
            case "interrupted": return .interrupted
            case "connected": return .connected(try callPath(), milliseconds: try milliseconds("ms"))
            case "recovered": return .recovered(try callPath(), milliseconds: try milliseconds("ms"))
            case "failed":
                guard let text = object["reason"] as? String, let reason = CallReport.Failure(rawValue: text) else {
                    let all = CallReport.Failure.allCases.map(\.rawValue).joined(separator: ", ")
                    throw .badField(prefix + "reason", "must be one of \(all)", request: request)
                }
                return .failed(reason, milliseconds: try milliseconds("ms"))
            default:
                throw .badField(prefix + "outcome", "must be started, connected, interrupted, recovered or failed", request: request)
            }
        }

        private func callPath() throws(ProtocolError) -> CallReport.Path {
            guard let text = object["path"] as? String, let path = CallReport.Path(rawValue: text) else {
                throw .badField(prefix + "path", "must be direct or relay", request: request)
            }
            return path
        }

        private func milliseconds(_ name: String) throws(ProtocolError) -> Int {
            let limit = Limits.callReportMilliseconds
            guard let n = JSONValues.int(object[name]), limit.allows(n) else {
                throw .badField(prefix + name, "must be an integer of \(limit)", request: request)
            }
            return n
        }

        func attendee(_ name: String) throws(ProtocolError) -> AttendeeID {
            guard let n = JSONValues.int(object[name]), let v = UInt32(exactly: n), v > 0 else {
                throw .badField(prefix + name, "must be an attendee id", request: request)
            }
            return AttendeeID(v)
        }
    }
}
