import HTTP1
import EventLoop

/// The web client's files, read into memory once (and again on `reload()`), each with its media
/// type and a strong ETag computed from its bytes. Answers GET and HEAD from memory; never touches
/// the file system while serving.
///
/// HEAD responses keep the body so Content-Length is right: serialize them with
/// `serialize(forHEAD: true)` or `serialize(respondingTo:)`, which leave the body out.
final class StaticFiles: Sendable {
    struct File: Sendable {
        var body: [UInt8]
        var etag: ETag
        var mediaType: String
        var cacheControl: String
    }

    /// Bounds on what loading may hold in memory; a wrong directory (say, "/") fails at start
    /// instead of reading a disk into the heap.
    struct Limits: Sendable {
        var maxFileBytes = 16 << 20
        var maxTotalBytes = 128 << 20
        var maxFileCount = 10_000
        var maxDirectoryDepth = 16
    }

    struct State: Sendable {
        var files: [String: File] = [:]
        var securityHeaders: SecurityHeaders
    }

    let directory: String
    let limits: Limits
    let state: Locked<State>

    /// Loads every regular, non-hidden file under `directory`; symbolic links are skipped so the
    /// served tree is exactly the directory's own content.
    init(directory: String, limits: Limits = Limits(), securityHeaders: SecurityHeaders = SecurityHeaders()) throws {
        self.directory = directory
        self.limits = limits
        state = Locked(State(files: try Self.loadFiles(in: directory, limits: limits), securityHeaders: securityHeaders))
    }

    /// Reads the directory again and swaps the table in one step; on failure the old files stay.
    func reload() throws {
        let files = try Self.loadFiles(in: directory, limits: limits)
        state.withLock { $0.files = files }
    }

    var contentSecurityPolicy: String {
        get { state.withLock { $0.securityHeaders.contentSecurityPolicy } }
        set { state.withLock { $0.securityHeaders.contentSecurityPolicy = newValue } }
    }

    var securityHeaders: SecurityHeaders {
        get { state.withLock { $0.securityHeaders } }
        set { state.withLock { $0.securityHeaders = newValue } }
    }

    /// The loaded paths, e.g. "/index.html".
    var paths: [String] {
        state.withLock { Array($0.files.keys) }.sorted()
    }

    var count: Int { state.withLock { $0.files.count } }

    func has(_ path: String) -> Bool { state.withLock { $0.files[path] != nil } }

    /// The response for a static file, or nil when `head.path` names none (so another route, or a
    /// 404, can answer). Traversal attempts get a 404 here, never nil.
    func response(for head: HTTPRequestHead) -> HTTPResponse? {
        let (file, security): (File?, SecurityHeaders)
        switch Self.lookup(forRequestPath: head.path) {
        case .notOurs:
            return nil
        case .refused:
            return withSecurityHeaders(.status(404))
        case .file(let name):
            (file, security) = state.withLock { ($0.files[name], $0.securityHeaders) }
        }
        guard let file else { return nil }
        var response: HTTPResponse
        if head.method != "GET" && head.method != "HEAD" {
            // RFC 9110 §15.5.6: a 405 MUST carry Allow.
            response = .status(405)
            response.headers.append(name: "Allow", value: "GET, HEAD")
        } else if Self.ifNoneMatch(head.headers, matches: file.etag) {
            // RFC 9110 §15.4.5: a 304 repeats the ETag and Cache-Control a 200 would have sent.
            response = HTTPResponse(status: 304)
            response.headers.append(name: "ETag", value: file.etag.headerValue)
            response.headers.append(name: "Cache-Control", value: file.cacheControl)
        } else {
            response = HTTPResponse(status: 200, body: file.body)
            response.headers.reserveCapacity(8)
            response.headers.append(name: "Content-Type", value: file.mediaType)
            response.headers.append(name: "ETag", value: file.etag.headerValue)
            response.headers.append(name: "Cache-Control", value: file.cacheControl)
        }
        security.apply(to: &response.headers)
        return response
    }

    /// `response(for:)`, with a 404 page when no file matches.
    func responseOrNotFound(for head: HTTPRequestHead) -> HTTPResponse {
        response(for: head) ?? withSecurityHeaders(.status(404))
    }

    private func withSecurityHeaders(_ response: HTTPResponse) -> HTTPResponse {
        state.withLock { $0.securityHeaders }.applied(to: response)
    }

    /// Every If-None-Match line counts as one list (RFC 9110 §5.3).
    static func ifNoneMatch(_ headers: HTTPHeaders, matches etag: ETag) -> Bool {
        headers.values(for: "If-None-Match").contains { ETag.ifNoneMatchMatches(headerValue: $0, etag: etag) }
    }

    /// HTML names the versioned assets, so it is revalidated on every load; the assets themselves
    /// may be reused for an hour.
    static func cacheControl(forMediaType mediaType: String) -> String {
        mediaType.hasPrefix("text/html") ? "no-cache" : "max-age=3600"
    }
}
