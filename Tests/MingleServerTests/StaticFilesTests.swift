import Foundation
import HTTP1
import Testing
@testable import MingleServer

/// A throwaway web root: `root/public` is served, `root/Package.swift` sits one level above it as
/// the target of traversal attempts.
final class WebRoot {
    let root: URL
    var publicPath: String { root.appendingPathComponent("public").path }

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("mingle-static-\(UUID().uuidString)")
        try write("Package.swift", "secret")
        try write("public/index.html", "<!doctype html><title>Mingle</title>")
        try write("public/app.js", "console.log(1)")
        try write("public/style.css", "body{}")
        try write("public/img/logo.png", "\u{89}PNG")
        try write("public/docs/index.html", "<p>docs</p>")
        try write("public/my file.txt", "spaced")
        try write("public/.env", "hidden")
        try write("public/manifest.webmanifest", "{}")
        try FileManager.default.createSymbolicLink(
            atPath: root.appendingPathComponent("public/link.txt").path,
            withDestinationPath: root.appendingPathComponent("Package.swift").path
        )
    }

    func write(_ relativePath: String, _ text: String) throws {
        let url = root.appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    deinit {
        try? FileManager.default.removeItem(at: root)
    }
}

@Suite struct StaticFilesTests {
    let webRoot: WebRoot
    let files: StaticFiles

    init() throws {
        webRoot = try WebRoot()
        files = try StaticFiles(directory: webRoot.publicPath)
    }

    func get(_ target: String, method: String = "GET", headers: HTTPHeaders = ["Host": "a"]) -> HTTPResponse? {
        files.response(for: HTTPRequestHead(method: method, target: target, headers: headers))
    }

    func text(_ response: HTTPResponse?) -> String {
        String(decoding: response?.body ?? [], as: UTF8.self)
    }

    func expectSecurityHeaders(_ response: HTTPResponse?, _ comment: Comment? = nil) {
        #expect(response?.headers["X-Content-Type-Options"] == "nosniff", comment)
        #expect(response?.headers["Referrer-Policy"] == "no-referrer", comment)
        #expect(response?.headers["Content-Security-Policy"] == SecurityHeaders.defaultContentSecurityPolicy, comment)
    }

    @Test func loadsNonHiddenFilesWithTheirPaths() {
        #expect(files.paths == [
            "/app.js", "/docs/index.html", "/img/logo.png", "/index.html", "/manifest.webmanifest", "/my file.txt", "/style.css",
        ])
    }

    @Test func rootServesIndexHtml() {
        let response = get("/")
        #expect(response?.status == 200)
        #expect(text(response) == "<!doctype html><title>Mingle</title>")
        #expect(response?.headers["Content-Type"] == "text/html; charset=utf-8")
        #expect(response?.headers["Cache-Control"] == "no-cache")
        #expect(response?.headers["ETag"] == ETag.strong(for: Array("<!doctype html><title>Mingle</title>".utf8)).headerValue)
        expectSecurityHeaders(response)
        #expect(text(get("/docs/")) == "<p>docs</p>")
    }

    @Test func contentTypesAndCaching() {
        #expect(get("/app.js")?.headers["Content-Type"] == "text/javascript; charset=utf-8")
        #expect(get("/app.js")?.headers["Cache-Control"] == "max-age=3600")
        #expect(get("/style.css")?.headers["Content-Type"] == "text/css; charset=utf-8")
        #expect(get("/img/logo.png")?.headers["Content-Type"] == "image/png")
        #expect(get("/manifest.webmanifest")?.headers["Content-Type"] == "application/manifest+json; charset=utf-8")
        #expect(text(get("/app.js?v=3")) == "console.log(1)")
        #expect(text(get("/my%20file.txt")) == "spaced")
    }

    @Test func ifNoneMatchGivesNotModified() throws {
        let etag = try #require(get("/app.js")?.headers["ETag"])
        for value in [etag, "W/\(etag)", "\"other\", \(etag)", "*"] {
            let response = get("/app.js", headers: ["Host": "a", "If-None-Match": value])
            #expect(response?.status == 304, "If-None-Match: \(value)")
            #expect(response?.body == [])
            #expect(response?.headers["ETag"] == etag)
            #expect(response?.headers["Cache-Control"] == "max-age=3600")
            expectSecurityHeaders(response)
        }
        #expect(get("/app.js", headers: ["If-None-Match": "\"other\""])?.status == 200)
        #expect(get("/app.js", method: "HEAD", headers: ["If-None-Match": etag])?.status == 304)
        let wire = String(decoding: try #require(get("/app.js", headers: ["If-None-Match": etag])).serialize(), as: UTF8.self)
        #expect(wire.hasPrefix("HTTP/1.1 304 Not Modified\r\n") && wire.hasSuffix("\r\n\r\n") && !wire.contains("Content-Length"))
    }

    @Test func headHasTheHeadersButNoBody() throws {
        let head = HTTPRequestHead(method: "HEAD", target: "/style.css", headers: ["Host": "a"])
        let response = try #require(files.response(for: head))
        let wire = String(decoding: response.serialize(respondingTo: head), as: UTF8.self)
        #expect(wire.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(wire.contains("\r\nContent-Type: text/css; charset=utf-8\r\n"))
        #expect(wire.contains("\r\nETag: \""))
        #expect(wire.contains("\r\nContent-Length: 6\r\n"))
        #expect(wire.hasSuffix("\r\n\r\n"))
    }

    @Test func unknownPathsAreLeftToOtherRoutes() {
        #expect(get("/missing.js") == nil)
        #expect(get("/api/state", method: "POST") == nil)
        #expect(get("/.env") == nil)
        let notFound = files.responseOrNotFound(for: HTTPRequestHead(method: "GET", target: "/missing.js"))
        #expect(notFound.status == 404)
        expectSecurityHeaders(notFound)
    }

    @Test func otherMethodsOnAFileAre405() {
        for method in ["POST", "PUT", "DELETE", "OPTIONS", "get"] {
            let response = get("/index.html", method: method)
            #expect(response?.status == 405)
            #expect(response?.headers["Allow"] == "GET, HEAD")
            expectSecurityHeaders(response)
        }
    }

    @Test(arguments: [
        "/../Package.swift", "/%2e%2e/", "/%2e%2e/Package.swift", "/%2E%2E/Package.swift", "/a%00b",
        "/img%2flogo.png", "/img%2Flogo.png", "/..%2fPackage.swift", "/%5c..%5cPackage.swift", "/img/../index.html",
        "/./index.html", "/img//logo.png", "/%zz", "/index.html%", "/%ff.html", "/a\\b", "/..", "/img/..",
    ])
    func traversalAndMalformedPathsAre404(path: String) {
        let response = get(path)
        #expect(response?.status == 404)
        #expect(!text(response).contains("secret"))
        expectSecurityHeaders(response)
    }

    @Test func reloadPicksUpChangedFiles() throws {
        let before = try #require(get("/app.js")?.headers["ETag"])
        try webRoot.write("public/app.js", "console.log(2)")
        try webRoot.write("public/new.svg", "<svg/>")
        #expect(text(get("/app.js")) == "console.log(1)")
        try files.reload()
        #expect(text(get("/app.js")) == "console.log(2)")
        #expect(get("/app.js")?.headers["ETag"] != before)
        #expect(get("/new.svg")?.headers["Content-Type"] == "image/svg+xml; charset=utf-8")
    }

    @Test func contentSecurityPolicyIsSettable() {
        files.contentSecurityPolicy = "default-src 'none'"
        #expect(get("/")?.headers["Content-Security-Policy"] == "default-src 'none'")
        #expect(get("/nope/../x")?.headers["Content-Security-Policy"] == "default-src 'none'")
    }

    @Test func loadingIsBounded() throws {
        #expect(throws: StaticFiles.LoadError.self) {
            try StaticFiles(directory: webRoot.publicPath, limits: .init(maxFileBytes: 10))
        }
        #expect(throws: StaticFiles.LoadError.totalTooLarge(maxTotalBytes: 40)) {
            try StaticFiles(directory: webRoot.publicPath, limits: .init(maxTotalBytes: 40))
        }
        #expect(throws: StaticFiles.LoadError.tooManyFiles(maxFileCount: 3)) {
            try StaticFiles(directory: webRoot.publicPath, limits: .init(maxFileCount: 3))
        }
        #expect(throws: StaticFiles.LoadError.self) {
            try StaticFiles(directory: webRoot.root.appendingPathComponent("absent").path)
        }
    }

    @Test func bundledClientLoads() throws {
        let directory = try #require(StaticFiles.bundledPublicDirectory())
        let bundled = try StaticFiles(directory: directory)
        #expect(bundled.response(for: HTTPRequestHead(method: "GET", target: "/"))?.status == 200)
    }
}
