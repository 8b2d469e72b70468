import ByteText
import EventLoop
import HTTP1

/// The admin pages and the operators' endpoints:
///
///     GET  /admin          the dashboard when authenticated, else the login form (401)
///     POST /admin/login    token -> session cookie (HttpOnly, SameSite=Strict, Secure over TLS)
///     POST /admin/logout   clears the cookie and voids every dashboard session issued so far
///     GET  /admin/ws       the dashboard's live feed (AdminFeedEndpoint)
///     GET  /metrics        Prometheus text (admin token unless `metricsPublic`)
///     GET  /healthz        the process answers
///     GET  /readyz         listening, event loaded, journal writable; 503 otherwise
///
/// The dashboard's script and style sheet are ordinary static files under `/admin/`; they hold
/// no data. Everything with data needs the token or the cookie.
enum AdminRoutes {
    static func install(on router: Router, settings: ServerSettings, stats: ServerStats, hub: HubHandle?, auth: AdminAuth?) {
        router.add("/readyz", deferred: { head, _, _, reply in
            guard head.method == "GET" || head.method == "HEAD" else { return .now(.onlyGet(head) { .status(405) }) }
            guard let hub else { return .now(.text("ready\n")) }
            hub.withHub { hub in
                if let failure = hub.durability.failure {
                    reply.send(.text("not ready: the journal cannot be written (\(failure)); changes are refused until it can\n", status: 503))
                } else {
                    reply.send(hub.journal.isWritable ? .text("ready\n") : .text("not ready: the journal is not writable\n", status: 503))
                }
            }
            return .later
        })
        router.add("/metrics", deferred: { head, _, connection, reply in
            guard head.method == "GET" || head.method == "HEAD" else { return .now(.onlyGet(head) { .status(405) }) }
            if !settings.metricsPublic {
                guard let auth else { return .now(.status(404)) }
                let remote = ClientAddress.of(head, connection: connection, settings: settings)
                switch auth.check(head, remote: remote, nowSeconds: WallClock.now().millisecondsSinceEpoch / 1000) {
                case .allowed: break
                case .unauthenticated: return .now(unauthenticated())
                case .lockedOut(let s): return .now(lockedOut(s))
                }
            }
            guard let hub else {
                var p = PrometheusText()
                Metrics.server(&p, stats: stats)
                return .now(metricsResponse(p.text))
            }
            hub.withHub { hub in reply.send(metricsResponse(hub.metricsText(stats: stats))) }
            return .later
        })
        guard let hub, let auth else { return }
        router.adminFeed = AdminFeedEndpoint(settings: settings, auth: auth, hub: hub, stats: stats)
        router.add("/admin") { [unowned router] head, _, connection in
            .onlyGet(head) {
                let remote = ClientAddress.of(head, connection: connection, settings: settings)
                if case .allowed = auth.check(head, remote: remote, nowSeconds: WallClock.now().millisecondsSinceEpoch / 1000) {
                    return page(router, "/admin/dashboard.html", status: 200)
                }
                var r = page(router, "/admin/login.html", status: 401)
                r.headers.append(name: "WWW-Authenticate", value: "Bearer realm=\"mingle-admin\"")
                return r
            }
        }
        // The pages are only ever served through /admin, after the check above.
        for hidden in ["/admin/dashboard.html", "/admin/login.html", "/admin/", "/admin/index.html"] {
            router.add(hidden) { head, _, _ in redirect(settings.base.mount(of: head) + "/admin") }
        }
        router.add("/admin/login") { head, body, connection in
            guard head.method == "POST" else { return AdminAPI.methodNotAllowed("POST") }
            if head.headers["origin"] != nil && !AdminAPI.sameOrigin(head) { return .status(403) }
            let remote = ClientAddress.of(head, connection: connection, settings: settings)
            let token = FormBody.value("token", in: body) ?? ""
            let mount = settings.base.mount(of: head)
            switch auth.login(presented: token, remote: remote, nowSeconds: WallClock.now().millisecondsSinceEpoch / 1000) {
            case .success(let cookie):
                var r = redirect(mount + "/admin")
                r.headers.append(name: "Set-Cookie", value: sessionCookie(cookie, settings: settings, mount: mount,
                                                                          maxAge: AdminAuth.sessionLifetimeSeconds))
                return r
            case .failure(.lockedOut): return redirect(mount + "/admin?login=locked")
            case .failure: return redirect(mount + "/admin?login=failed")
            }
        }
        router.add("/admin/logout") { head, _, _ in
            guard head.method == "POST" else { return AdminAPI.methodNotAllowed("POST") }
            if !AdminAPI.sameOrigin(head) { return .status(403) }
            if AdminAuth.cookie(AdminAuth.cookieName, in: head) != nil {
                auth.revokeSessions(nowSeconds: WallClock.now().millisecondsSinceEpoch / 1000)
            }
            let mount = settings.base.mount(of: head)
            var r = redirect(mount + "/admin")
            r.headers.append(name: "Set-Cookie", value: sessionCookie("", settings: settings, mount: mount, maxAge: 0))
            return r
        }
    }

    /// The dashboard's session cookie, scoped to the mount it was issued through: several events under
    /// one host name (`/e/a`, `/e/b`) each keep their own and never see another's.
    static func sessionCookie(_ value: String, settings: ServerSettings, mount: String = "", maxAge: Int64) -> String {
        // Behind a TLS-terminating proxy (plain mode with a trusted proxy header) browsers still use https.
        let secure = !settings.plain || settings.forwardedForHeader != nil
        let path = mount.isEmpty ? "/" : mount
        return "\(AdminAuth.cookieName)=\(value); Path=\(path); Max-Age=\(maxAge); HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }

    static func page(_ router: Router, _ file: String, status: Int) -> HTTPResponse {
        var h = HTTPRequestHead(method: "GET", target: file)
        h.path = file
        guard var r = router.staticFiles?.response(for: h), r.status == 200 else {
            return .text("The page \(file) is missing from this build.\n", status: 500)
        }
        r.status = status
        r.headers.remove(name: "ETag")
        r.headers.set(name: "Cache-Control", value: "no-store")
        r.headers.set(name: "Vary", value: "Cookie")
        return r
    }

    static func redirect(_ location: String) -> HTTPResponse {
        var r = HTTPResponse(status: 303)
        r.headers.append(name: "Location", value: location)
        r.headers.append(name: "Cache-Control", value: "no-store")
        return r
    }

    static func unauthenticated() -> HTTPResponse {
        var r = AdminAPI.problem(401, "unauthenticated", "send Authorization: Bearer <admin token>")
        r.headers.append(name: "WWW-Authenticate", value: "Bearer realm=\"mingle-admin\"")
        return r
    }

    static func lockedOut(_ seconds: Int) -> HTTPResponse {
        var r = AdminAPI.problem(429, "locked_out", "too many failed attempts; retry in \(seconds) s")
        r.headers.append(name: "Retry-After", value: "\(seconds)")
        return r
    }

    static func metricsResponse(_ text: String) -> HTTPResponse {
        var r = HTTPResponse(status: 200, body: Array(text.utf8))
        r.headers.append(name: "Content-Type", value: PrometheusText.contentType)
        r.headers.append(name: "Cache-Control", value: "no-store")
        return r
    }
}

/// `application/x-www-form-urlencoded` (the login form): one field's value, decoded.
enum FormBody {
    static func value(_ name: String, in body: [UInt8]) -> String? {
        for pair in body.split(separator: UInt8(ascii: "&")) {
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, decode(parts[0]) == name else { continue }
            return decode(parts[1])
        }
        return nil
    }

    static func decode(_ bytes: ArraySlice<UInt8>) -> String? {
        PercentDecoding.decode(bytes, plusAsSpace: true).flatMap { String(validating: $0, as: UTF8.self) }
    }
}
