import Foundation
import Testing
@testable import MingleServer
import Mingling

/// The event file's `multiple` attributes and `pairing` rules (Config/README.md).
@Suite struct PairingConfigTests {
    func load(attributes: String = PairingConfigTests.attributes, mingle: String) -> Result<EventPlan, ConfigErrors> {
        let text = """
        {
          "event": { "id": "e1", "name": "Test", "timeZone": "Europe/Oslo" },
          "attributes": [ \(attributes) ],
          "sessions": [
            { "id": "s1", "title": "One", "start": "2026-10-13T09:00:00+02:00", "end": "2026-10-13T10:00:00+02:00",
              "mingle": { \(mingle) } }
          ]
        }
        """
        return EventConfigLoader.parse(Data(text.utf8), fileName: "event.json")
    }

    static let attributes = """
        { "id": "region", "label": "Region", "values": [ { "id": "viken", "label": "Viken" }, { "id": "madrid", "label": "Madrid" } ] },
        { "id": "languages", "label": "Languages", "multiple": true,
          "values": [ { "id": "en", "label": "English" }, { "id": "es", "label": "Español" } ] }
        """

    func errors(attributes: String = PairingConfigTests.attributes, mingle: String) -> [String] {
        if case .failure(let e) = load(attributes: attributes, mingle: mingle) { return e.errors.map(\.description) }
        return []
    }

    @Test func multipleIsReadAndShownByCheckConfig() throws {
        let plan = try load(mingle: "").get()
        #expect(plan.attribute("languages")?.multiple == true)
        #expect(plan.attribute("region")?.multiple == false)
        #expect(EventConfigLoader.summary(of: plan).contains("languages (several values): 2 values: en, es"))
        let bad = errors(attributes: #"{ "id": "x", "label": "X", "multiple": "yes", "values": [ { "id": "a", "label": "A" } ] }"#,
                         mingle: #""pairBy": "x""#)
        #expect(bad.first == #"event.json: attributes[0].multiple: must be true or false, got "yes""#)
    }
}
