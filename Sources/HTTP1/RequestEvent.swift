/// What `RequestParser.next()` produces, in order per request: one `.head`, zero or more `.body`
/// pieces (their concatenation is the decoded body; how it is cut depends on how bytes arrived),
/// then `.end`.
public enum RequestEvent: Sendable, Equatable {
    case head(HTTPRequestHead)
    case body([UInt8])
    case end
}
