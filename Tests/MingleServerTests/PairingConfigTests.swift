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

    @Test func pairingRulesAreReadInOrder() throws {
        let plan = try load(mingle: #""pairing": [ { "attribute": "languages", "policy": "share" }, { "attribute": "region", "policy": "mix" } ]"#).get()
        let mingle = try #require(plan.sessions[0].mingle)
        #expect(mingle.rules == [PairingRule(attribute: "languages", policy: .share), PairingRule(attribute: "region", policy: .mix)])
        #expect(mingle.pairBy == "languages" && mingle.spanningAttribute == "region")
        #expect(EventConfigLoader.summary(of: plan).contains("groups of 2, share by languages, then mix by region, 0 prompts"))
    }

    @Test func pairByAndPolicyStillMeanOneRule() throws {
        let mingle = try #require(try load(mingle: #""pairBy": "region", "policy": "same""#).get().sessions[0].mingle)
        #expect(mingle.rules == [PairingRule(attribute: "region", policy: .same)])
        let share = try #require(try load(mingle: #""pairBy": "languages", "policy": "share""#).get().sessions[0].mingle)
        #expect(share.rules == [PairingRule(attribute: "languages", policy: .share)])
    }

    @Test func badRulesAreReportedWithTheirKeyPaths() {
        #expect(errors(mingle: #""pairBy": "region", "pairing": [ { "attribute": "region", "policy": "mix" } ]"#) == [
            "event.json: sessions[0].mingle.pairing: not allowed together with pairBy and policy (write that rule as the first entry of pairing)",
        ])
        #expect(errors(mingle: #""pairing": []"#) == ["event.json: sessions[0].mingle.pairing: must have at least 1 entry"])
        let rules = (0..<6).map { _ in #"{ "attribute": "region", "policy": "mix" }"# }.joined(separator: ",")
        #expect(errors(mingle: #""pairing": [\#(rules)]"#) == ["event.json: sessions[0].mingle.pairing: must have at most 5 entries, got 6"])
        #expect(errors(mingle: #""pairing": [ { "attribute": "region", "policy": "mix" }, { "attribute": "region", "policy": "same" } ]"#) == [
            #"event.json: sessions[0].mingle.pairing[1].attribute: "region" has a rule already (sessions[0].mingle.pairing[0]); one rule per attribute"#,
        ])
        #expect(errors(mingle: #""pairing": [ { "attribute": "region", "policy": "share" }, { "attribute": "languages", "policy": "share" } ]"#) == [
            #"event.json: sessions[0].mingle.pairing[1].policy: only one rule may be "share" (sessions[0].mingle.pairing[0] is)"#,
        ])
        #expect(errors(mingle: #""pairing": [ { "attribute": "country", "policy": "mixed", "weight": 2 } ]"#) == [
            #"event.json: sessions[0].mingle.pairing[0].policy: must be one of "mix", "same", "share", "any", got "mixed""#,
            "event.json: sessions[0].mingle.pairing[0].weight: unknown key (allowed: attribute, policy)",
        ])
        #expect(errors(mingle: #""pairing": [ { "attribute": "country", "policy": "mix" } ]"#) == [
            #"event.json: sessions[0].mingle.pairing[0].attribute: must name a declared attribute (region, languages), got "country""#,
        ])
    }
}
