import Foundation
import Mingling

/// Reads `event.json` into an `EventPlan`, reporting every broken rule at once (see `Config/README.md`
/// for each key's meaning, unit, default and bounds). The server refuses to start, and a reload is
/// rejected, unless this succeeds.
public enum EventConfigLoader {
    // Bounds come from `Limits` (one table for the loader, the docs and the tests): generous for real
    // events, small enough that a mistaken file cannot make the server allocate without bound.

    public static func load(path: String) -> Result<EventPlan, ConfigErrors> {
        let file = (path as NSString).lastPathComponent
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            return .failure(ConfigErrors([ConfigError(file: file, keyPath: "", rule: "cannot read \(path): \(error.localizedDescription)")]))
        }
        return parse(data, fileName: file)
    }

    public static func parse(_ data: Data, fileName: String) -> Result<EventPlan, ConfigErrors> {
        var diagnostics = ConfigDiagnostics(file: fileName)
        let tree: ConfigValue
        do {
            tree = try ConfigValue.parse(data)
        } catch {
            let position = ConfigValue.syntaxErrorPosition(data).map { " (near \($0))" } ?? ""
            let detail = syntaxDetail(error)
            let generic = detail.isEmpty || detail == "The given data was not valid JSON."
            diagnostics.fail("", "not valid JSON\(position)\(generic ? "" : ": \(detail)")")
            return .failure(ConfigErrors(diagnostics.errors))
        }
        let plan = readPlan(tree, &diagnostics)
        if let plan, diagnostics.errors.isEmpty { return .success(plan) }
        return .failure(ConfigErrors(diagnostics.errors))
    }

    /// Foundation's parser explains the position in the underlying error; keep that, drop the wrapping.
    static func syntaxDetail(_ error: any Error) -> String {
        guard case DecodingError.dataCorrupted(let context) = error else { return String(describing: error) }
        if let underlying = context.underlyingError as NSError?,
           let detail = underlying.userInfo[NSDebugDescriptionErrorKey] as? String {
            return detail
        }
        return context.debugDescription
    }

    static func readPlan(_ tree: ConfigValue, _ d: inout ConfigDiagnostics) -> EventPlan? {
        guard var root = ObjectReader(tree, path: "", &d) else { return nil }
        let event = root.value("event", required: true, &d).flatMap { readEvent($0, &d) }
        var attributes: [AttributeDefinition] = []
        if let items = root.array("attributes", required: true, Limits.attributes, &d) {
            attributes = readAttributes(items, &d)
        }
        let rooms = readRooms(&root, attributes: attributes, &d)
        let access = root.value("access", required: false, &d).map { readAccess($0, &d) } ?? .open
        var iceServers: [IceServer] = []
        if let items = root.array("iceServers", required: false, Limits.iceServers, &d) {
            iceServers = items.compactMap { readIceServer($0.value, path: $0.path, &d) }
        }
        let privacy = root.value("privacy", required: false, &d).map { readPrivacy($0, &d) } ?? Privacy()
        root.reportUnknownKeys(&d)
        guard let event, let access, let privacy else { return nil }
        if let rooms, rooms.count == 1, rooms[0].id == .single, rooms[0].title.isEmpty {
            // An event file without `rooms`: its one room is titled with the event's name.
            return EventPlan(event: event, attributes: attributes, sessions: rooms[0].sessions, access: access,
                             iceServers: iceServers, privacy: privacy)
        }
        return EventPlan(
            event: event, attributes: attributes, rooms: rooms ?? [], access: access, iceServers: iceServers,
            privacy: privacy)
    }

    static func readEvent(_ value: ConfigValue, _ d: inout ConfigDiagnostics) -> EventInfo? {
        guard var object = ObjectReader(value, path: "event", &d) else { return nil }
        let id = object.identifier("id", &d)
        let name = object.string("name", Limits.label, &d)
        var timeZone = object.string("timeZone", maxLength: 64, &d)
        if let zone = timeZone, TimeZone(identifier: zone) == nil {
            d.fail("event.timeZone", "must be an IANA time zone such as \"Europe/Brussels\", got \"\(zone)\"")
            timeZone = nil
        }
        object.reportUnknownKeys(&d)
        guard let id, let name, let timeZone else { return nil }
        return EventInfo(id: id, name: name, timeZone: timeZone)
    }

    static func readAttributes(_ items: [(path: String, value: ConfigValue)], _ d: inout ConfigDiagnostics) -> [AttributeDefinition] {
        var definitions: [AttributeDefinition] = []
        var seen: [String: String] = [:]
        for (path, value) in items {
            guard var object = ObjectReader(value, path: path, &d) else { continue }
            let id = object.identifier("id", &d)
            let label = object.string("label", Limits.label, &d)
            let required = object.bool("required", default: false, &d)
            let multiple = object.bool("multiple", default: false, &d)
            var values: [AttributeValue] = []
            var seenValues: [String: String] = [:]
            if let entries = object.array("values", required: true, Limits.attributeValues, &d) {
                for (valuePath, entry) in entries {
                    guard var valueObject = ObjectReader(entry, path: valuePath, &d) else { continue }
                    let valueID = valueObject.identifier("id", &d)
                    let valueLabel = valueObject.string("label", Limits.label, &d)
                    valueObject.reportUnknownKeys(&d)
                    if let valueID, let earlier = seenValues[valueID] {
                        d.fail("\(valuePath).id", "duplicate of \(earlier).id (\"\(valueID)\")")
                    } else if let valueID, let valueLabel {
                        seenValues[valueID] = valuePath
                        values.append(AttributeValue(id: valueID, label: valueLabel))
                    }
                }
            }
            object.reportUnknownKeys(&d)
            if let id, let earlier = seen[id] {
                d.fail("\(path).id", "duplicate of \(earlier).id (\"\(id)\")")
            } else if let id, let label, let required, let multiple {
                seen[id] = path
                definitions.append(AttributeDefinition(id: id, label: label, values: values, required: required,
                                                       multiple: multiple))
            }
        }
        return definitions
    }
}
