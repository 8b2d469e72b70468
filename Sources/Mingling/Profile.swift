/// What an attendee tells the event at registration.
public struct Profile: Sendable, Equatable {
    public var displayName: String
    /// Attribute id -> the value ids given: one for an attribute, one or more for a `multiple` one, e.g.
    /// `["region": ["viken"], "languages": ["no", "en"]]`. An attribute left unanswered is absent (never an
    /// empty list: registration drops those).
    public var attributes: [String: [String]]
    public var organisation: String?
    /// Revealed to a partner only after both pressed "stay in touch".
    public var contactCard: ContactCard?

    public init(
        displayName: String, attributes: [String: [String]] = [:], organisation: String? = nil,
        contactCard: ContactCard? = nil
    ) {
        self.displayName = displayName
        self.attributes = attributes
        self.organisation = organisation
        self.contactCard = contactCard
    }

    /// One value per attribute (`["region": "viken"]`), as most attributes are answered.
    public init(
        displayName: String, attributes: [String: String], organisation: String? = nil, contactCard: ContactCard? = nil
    ) {
        self.init(displayName: displayName, attributes: attributes.mapValues { [$0] }, organisation: organisation,
                  contactCard: contactCard)
    }

    /// The value ids given for `attribute` (empty when unanswered).
    public func values(of attribute: String) -> [String] { attributes[attribute] ?? [] }
}

/// Every field is optional: attendees share what they choose.
public struct ContactCard: Sendable, Equatable {
    public var name: String?
    public var organisation: String?
    public var email: String?
    public var link: String?
    public init(name: String? = nil, organisation: String? = nil, email: String? = nil, link: String? = nil) {
        self.name = name
        self.organisation = organisation
        self.email = email
        self.link = link
    }
}
