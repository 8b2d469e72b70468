import Foundation
import Mingling

/// `mingle logs export-contacts`: for each attendee, the contact cards they received through a
/// mutual "stay in touch" (both pressed it), as CSV, so the organiser can send everyone their
/// list after the event. Only mutual exchanges are used (`contacts_exchanged` events, and the cards a
/// compacted journal's snapshot holds): a one-sided request, a withdrawn one, a card nobody asked for, or a
/// card whose giver had their data deleted never appears.
///
/// Columns: `attendee_id, attendee_name, attendee_email, contact_id, contact_name,
/// contact_organisation, contact_email, contact_link`. `attendee_email` is the recipient's own
/// card address (where to send the list), empty if they gave none.
public enum ContactExport {
    public static let header = "attendee_id,attendee_name,attendee_email,contact_id,contact_name,contact_organisation,contact_email,contact_link"

    public static func csv(journal path: String) throws -> String {
        let contents: Journal.Contents
        do { contents = try Journal.read(path: path, repairTornTail: false) } catch {
            throw ExportError(description: error.description)
        }
        return csv(snapshot: contents.snapshot, events: contents.events)
    }

    public struct ExportError: Error, CustomStringConvertible { public let description: String }

    static func csv(snapshot: EngineSnapshot? = nil, events: [DomainEvent]) -> String {
        var profiles: [AttendeeID: Profile] = [:]
        var rows: [(AttendeeID, AttendeeID, ContactCard)] = []
        var seen: Set<[UInt32]> = []
        for a in snapshot?.attendees ?? [] { profiles[a.id] = a.profile }
        for received in snapshot?.receivedCards ?? [] {
            for r in received.cards where seen.insert([received.receiver.rawValue, r.from.rawValue]).inserted {
                rows.append((received.receiver, r.from, r.card))
            }
        }
        for e in events {
            switch e {
            case .attendeeRegistered(let id, let profile, _):
                profiles[id] = profile
            case .contactsExchanged(let a, let b, let aCard, let bCard):
                // Each side receives the other's card, once.
                if seen.insert([a.rawValue, b.rawValue]).inserted { rows.append((a, b, bCard)) }
                if seen.insert([b.rawValue, a.rawValue]).inserted { rows.append((b, a, aCard)) }
            case .attendeeErased(let id, _):
                profiles[id] = Profile(displayName: "")
                rows.removeAll { $0.0 == id || $0.1 == id }
            case .personalDataExpired:
                profiles = [:]
                rows = []
            default: break
            }
        }
        rows.sort { ($0.0.rawValue, $0.1.rawValue) < ($1.0.rawValue, $1.1.rawValue) }
        var out = header + "\n"
        for (to, from, card) in rows {
            let me = profiles[to]
            let fields: [String] = [
                String(to.rawValue), me?.displayName ?? "", me?.contactCard?.email ?? "",
                String(from.rawValue), card.name ?? profiles[from]?.displayName ?? "", card.organisation ?? "",
                card.email ?? "", card.link ?? "",
            ]
            out += fields.map(field).joined(separator: ",") + "\n"
        }
        return out
    }

    /// RFC 4180 quoting; a leading = + - @ is prefixed with ' so a spreadsheet never runs it as a formula.
    static func field(_ s: String) -> String {
        var v = s
        if let first = v.first, "=+-@\t\r".contains(first) { v = "'" + v }
        if v.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return v
    }
}
