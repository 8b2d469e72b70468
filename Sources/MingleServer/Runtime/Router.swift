import EventLoop
import HTTP1

/// Maps request paths to WebSocket endpoints, exact-path HTTP routes and static files.
/// One per loop; built once at start.
final class Router {
    typealias Route = (HTTPRequestHead, [UInt8], Connection) -> HTTPResponse
    typealias DeferredRoute = (HTTPRequestHead, [UInt8], Connection, DeferredReply) -> RouteOutcome

    private var webSockets: [String: any WebSocketEndpoint] = [:]
    /// Endpoints for a family of paths (`/r/<room>/display/ws`), after the exact ones.
    private var matchedWebSockets: [(matches: (String) -> Bool, endpoint: any WebSocketEndpoint)] = []
    private var routes: [String: Route] = [:]
    private var prefixRoutes: [(prefix: String, route: Route)] = []
    private var deferredPrefixRoutes: [(prefix: String, route: DeferredRoute)] = []
    private var deferredRoutes: [String: DeferredRoute] = [:]
    var staticFiles: StaticFiles?
    /// Where the event is mounted besides the root (`ServerSettings.basePath`).
    var basePath = BasePath.root
    /// The dashboard's feed, typed: its once-a-second broadcast reaches it from the hub's thread.
    /// The rooms' display feed (`/r/<room>/display/ws`), reached by its timers through the loop's context.
    var displayFeed: DisplayFeedEndpoint? {
        didSet { if let displayFeed { addWebSocket(matching: { DisplayFeedEndpoint.room(ofFeed: $0) != nil }, displayFeed) } }
    }
    var adminFeed: AdminFeedEndpoint? {
        didSet { if let adminFeed { addWebSocket(AdminFeedEndpoint.path, adminFeed) } }
    }

    func addWebSocket(_ path: String, _ endpoint: any WebSocketEndpoint) { webSockets[path] = endpoint }
    func addWebSocket(matching: @escaping (String) -> Bool, _ endpoint: any WebSocketEndpoint) {
        matchedWebSockets.append((matching, endpoint))
    }
    func add(_ path: String, _ route: @escaping Route) { routes[path] = route }
    func addPrefix(_ prefix: String, _ route: @escaping Route) { prefixRoutes.append((prefix, route)) }
    /// Routes that may answer later, from another thread, through the `DeferredReply`.
    func addPrefix(_ prefix: String, deferred route: @escaping DeferredRoute) { deferredPrefixRoutes.append((prefix, route)) }
    /// An exact path that may answer later (takes precedence over `add` for the same path).
    func add(_ path: String, deferred route: @escaping DeferredRoute) { deferredRoutes[path] = route }

    func webSocketEndpoint(for path: String) -> (any WebSocketEndpoint)? {
        webSockets[path] ?? matchedWebSockets.first { $0.matches(path) }?.endpoint
    }

    func respond(to head: HTTPRequestHead, body: [UInt8], connection: Connection, reply: DeferredReply) -> RouteOutcome {
        if let route = deferredRoutes[head.path] { return route(head, body, connection, reply) }
        for p in deferredPrefixRoutes where head.path.hasPrefix(p.prefix) { return p.route(head, body, connection, reply) }
        return .now(respond(to: head, body: body, connection: connection))
    }

    func respond(to head: HTTPRequestHead, body: [UInt8], connection: Connection) -> HTTPResponse {
        // `/e/x` itself: the pages' relative URLs need the directory, `/e/x/`.
        if basePath.isBare(head) { return AdminRoutes.redirect(basePath.value + "/" + (head.query.map { "?" + $0 } ?? "")) }
        if let route = routes[head.path] { return route(head, body, connection) }
        for p in prefixRoutes where head.path.hasPrefix(p.prefix) { return p.route(head, body, connection) }
        if webSocketEndpoint(for: head.path) != nil {
            // A WebSocket path asked for without an Upgrade header.
            var r = HTTPResponse.text("This endpoint speaks WebSocket.\n", status: 426)
            r.headers.append(name: "Upgrade", value: "websocket")
            r.headers.append(name: "Connection", value: "Upgrade")
            return r
        }
        if let response = staticFiles?.response(for: head) { return response }
        return HTTPResponse.text("Not found.\n", status: 404)
    }
}

extension HTTPResponse {
    /// Only GET and HEAD; anything else is 405 with an `Allow` header.
    static func onlyGet(_ head: HTTPRequestHead, _ make: () -> HTTPResponse) -> HTTPResponse {
        guard head.method == "GET" || head.method == "HEAD" else {
            var r = HTTPResponse.text("Method not allowed.\n", status: 405)
            r.headers.append(name: "Allow", value: "GET, HEAD")
            return r
        }
        return make()
    }
}

enum RouteOutcome {
    case now(HTTPResponse)
    /// The route will call its `DeferredReply`.
    case later
}

/// Sends a response to a connection from any thread (it hops to the connection's loop).
struct DeferredReply: Sendable {
    let loop: Int
    let handle: LoopHandle<LoopContext>
    let connection: ConnectionID

    func send(_ response: HTTPResponse) {
        let id = connection
        handle.execute { _, context in
            context.withConnection(id, for: "deferred reply") { $0.complete(response) }
        }
    }
}
