import HTTP1

/// Headers every HTTP response carries, so a browser never sniffs a type, leaks a referrer, frames
/// the page or runs script from elsewhere. One value shared by the static files and the API handlers.
struct SecurityHeaders: Sendable, Equatable {
    /// Only our own origin for scripts, styles, sockets and media; images may also be `data:` URLs
    /// (generated avatars), media may be `blob:` (recorded clips); nothing may embed the page.
    static let defaultContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "media-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"

    var contentSecurityPolicy: String = SecurityHeaders.defaultContentSecurityPolicy
    var referrerPolicy: String = "no-referrer"
    /// `Strict-Transport-Security`, for listeners that only speak TLS (e.g. "max-age=63072000").
    var strictTransportSecurity: String?

    init(contentSecurityPolicy: String = SecurityHeaders.defaultContentSecurityPolicy, strictTransportSecurity: String? = nil) {
        self.contentSecurityPolicy = contentSecurityPolicy
        self.strictTransportSecurity = strictTransportSecurity
    }

    func apply(to headers: inout HTTPHeaders) {
        headers.set(name: "X-Content-Type-Options", value: "nosniff")
        headers.set(name: "Referrer-Policy", value: referrerPolicy)
        headers.set(name: "Content-Security-Policy", value: contentSecurityPolicy)
        if let strictTransportSecurity {
            headers.set(name: "Strict-Transport-Security", value: strictTransportSecurity)
        }
    }

    func applied(to response: HTTPResponse) -> HTTPResponse {
        var response = response
        apply(to: &response.headers)
        return response
    }
}
