/// What an attendee tells the event at registration.
public struct Profile: Sendable, Equatable {
    public var displayName: String
    /// Attribute id -> value id, e.g. `["region": "viken", "attendance": "remote"]`.
    public var attributes: [String: String]
    public var organisation: String?
    /// Revealed to a partner only after both pressed "stay in touch".
    public var contactCard: ContactCard?

    public init(
        displayName: String, attributes: [String: String] = [:], organisation: String? = nil,
        contactCard: ContactCard? = nil
    ) {
        self.displayName = displayName
        self.attributes = attributes
        self.organisation = organisation
        self.contactCard = contactCard
    }
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
