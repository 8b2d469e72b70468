import HTTP1

/// Where one event's server is mounted under a shared host name (`basePath` in the settings), so that
/// a proxy can route `https://mingle.example.org/e/cocreation/...` to it by path while
/// `https://cocreation.example.org/...` reaches the same process by host name.
///
/// Theory of operation: a request whose path starts with the base path (`/e/cocreation` itself or
/// `/e/cocreation/...`) is *mounted*: `strip` removes the prefix from `head.path` before any route
/// sees it, and leaves `head.target` as sent, which is how `isMounted` tells afterwards. Every
/// URL the server hands out for that request (redirects, the admin cookie's `Path`, room links and
/// their QR codes) then carries the prefix; a request without it is
/// served at the root as before. The pages themselves use only relative URLs (their scripts find the
/// app's root from their own module URL, `Public/js/paths.js`), so they follow whichever way they
/// were reached and need no rewriting.
struct BasePath: Sendable, Equatable, CustomStringConvertible {
    /// "" (served at the root only) or "/segment[/segment...]", without a trailing slash.
    let value: String

    static let root = BasePath(checked: "")

    /// Path names the server itself answers at the root; a base path may not start with one, or a
    /// request meant for the root (say `/admin`) would be taken for a mounted one.
    static let reservedFirstSegments: Set<String> = [
        "admin", "api", "r", "ws", "echo", "healthz", "readyz", "metrics",
        "js", "css", "i18n", "icons", "display", "index.html",
    ]
    static let maxBytes = 100

    private init(checked value: String) { self.value = value }

    /// Validates a configured base path; the error names the rule (for `basePath: ...` in the settings).
    static func parse(_ text: String) -> Result<BasePath, BasePathError> {
        if text.isEmpty || text == "/" { return .success(.root) }
        guard text.utf8.count <= maxBytes else { return .failure(.tooLong(bytes: text.utf8.count)) }
        guard text.hasPrefix("/"), !text.hasSuffix("/") else { return .failure(.shape) }
        let segments = text.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        for segment in segments {
            let allowed = !segment.isEmpty && segment.utf8.allSatisfy { b in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(b) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b)
                    || b == UInt8(ascii: "-") || b == UInt8(ascii: "_")
            }
            guard allowed else { return .failure(.segment(String(segment))) }
        }
        if let first = segments.first.map(String.init), reservedFirstSegments.contains(first) {
            return .failure(.reserved(first))
        }
        return .success(BasePath(checked: text))
    }

    var isRoot: Bool { value.isEmpty }
    var description: String { value }

    /// Removes the prefix from `head.path` when the request came through it; true when it did.
    @discardableResult
    func strip(_ head: inout HTTPRequestHead) -> Bool {
        guard isMounted(head), let rest = remainder(of: head.path) else { return false }
        head.path = rest
        return true
    }

    /// Whether this request came through the base path (after or before `strip`). Read from the target
    /// as sent, which `strip` leaves alone; an absolute-form target is never mounted.
    func isMounted(_ head: HTTPRequestHead) -> Bool {
        guard !isRoot, head.target.hasPrefix(value) else { return false }
        let next = head.target.utf8.dropFirst(value.utf8.count).first
        return next == nil || next == UInt8(ascii: "/") || next == UInt8(ascii: "?")
    }

    /// The prefix this request's URLs carry: the base path when it came through it, else "".
    func mount(of head: HTTPRequestHead) -> String {
        isMounted(head) ? value : ""
    }

    /// `/e/x` -> "/", `/e/x/admin` -> "/admin", anything else -> nil.
    func remainder(of path: String) -> String? {
        guard !isRoot, path.hasPrefix(value) else { return nil }
        let rest = String(path.dropFirst(value.count))
        if rest.isEmpty { return "/" }
        return rest.hasPrefix("/") ? rest : nil
    }

    /// The base path itself, without the slash (`/e/x`, `/e/x?room=a`): answered with a redirect to
    /// `/e/x/`, since the pages' relative URLs are relative to that directory.
    func isBare(_ head: HTTPRequestHead) -> Bool {
        isMounted(head) && (head.target.utf8.count == value.utf8.count || head.target.utf8.dropFirst(value.utf8.count).first == UInt8(ascii: "?"))
    }
}

enum BasePathError: Error, Equatable, CustomStringConvertible {
    case shape
    case tooLong(bytes: Int)
    case segment(String)
    case reserved(String)

    var description: String {
        switch self {
        case .shape: "must start with \"/\" and not end with one, like \"/e/cocreation\""
        case .tooLong(let bytes): "must be at most \(BasePath.maxBytes) bytes, got \(bytes)"
        case .segment(let s): "each segment must be 1 or more of a-z, 0-9, \"-\" and \"_\", got \"\(s)\""
        case .reserved(let s): "must not start with \"/\(s)\", a path the server answers itself"
        }
    }
}
