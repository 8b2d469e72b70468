import Testing
@testable import HTTP1

@Suite struct HTTPResponseTests {
    @Test func serializesStatusHeadersLengthAndBody() {
        var response = HTTPResponse.json(bytes("{\"ok\":true}"), status: 201)
        response.headers.append(name: "Cache-Control", value: "no-store")
        #expect(String(bytes: response.serialize()) ==
            "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nCache-Control: no-store\r\n" +
            "Content-Length: 11\r\n\r\n{\"ok\":true}")
    }

    @Test func headKeepsTheLengthAndDropsTheBody() {
        let response = HTTPResponse.text("hello")
        #expect(String(bytes: response.serialize(forHEAD: true)) ==
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 5\r\n\r\n")
    }

    @Test func noContentStatusesHaveNoLengthOrBody() {
        for status in [101, 204, 304] {
            let response = HTTPResponse(status: status, headers: ["ETag": "\"x\""], body: bytes("ignored"))
            let text = String(bytes: response.serialize())
            #expect(!text.contains("Content-Length"))
            #expect(text.hasSuffix("ETag: \"x\"\r\n\r\n"))
        }
    }

    @Test func theSerializerOwnsFraming() {
        let response = HTTPResponse(
            status: 200, headers: ["Content-Length": "99", "Transfer-Encoding": "chunked", "X": "y"], body: bytes("ab")
        )
        #expect(String(bytes: response.serialize()) == "HTTP/1.1 200 OK\r\nX: y\r\nContent-Length: 2\r\n\r\nab")
    }

    @Test func statusPages() {
        let page = HTTPResponse.status(404)
        #expect(page.status == 404)
        #expect(page.body == bytes("404 Not Found\n"))
        #expect(page.headers["content-type"] == "text/plain; charset=utf-8")
        #expect(HTTPStatus.reasonPhrase(for: 413) == "Content Too Large")
        #expect(HTTPStatus.reasonPhrase(for: 499) == "Client Error")
    }

    @Test func respondingToARequestFollowsItsMethodAndConnection() throws {
        let head = try #require(Feed.whole(bytes("HEAD / HTTP/1.0\r\n\r\n")).heads.first)
        let text = String(bytes: HTTPResponse.text("hi").serialize(respondingTo: head))
        #expect(text == "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\nContent-Length: 2\r\n\r\n")
    }

    @Test func responsesParseAsTheyWereWritten() {
        // A response is also a message a client parser must frame correctly: check the length.
        let body = (0..<1000).map { UInt8($0 % 251) }
        let wire = HTTPResponse(status: 200, body: body).serialize()
        #expect(Array(wire.suffix(1000)) == body)
        #expect(String(bytes: Array(wire.prefix(38))) == "HTTP/1.1 200 OK\r\nContent-Length: 1000\r")
    }
}

@Suite struct HTTPHeadersTests {
    @Test func lookupsIgnoreCaseAndKeepOrder() {
        var headers: HTTPHeaders = ["Accept": "a", "X-Dup": "1"]
        headers.append(name: "x-dup", value: "2")
        #expect(headers["ACCEPT"] == "a")
        #expect(headers["x-DUP"] == "1")
        #expect(headers.values(for: "X-Dup") == ["1", "2"])
        #expect(headers.count(of: "x-dup") == 2)
        #expect(headers["missing"] == nil)
        #expect(headers.map(\.name) == ["Accept", "X-Dup", "x-dup"])
        headers.set(name: "X-DUP", value: "3")
        #expect(headers.values(for: "x-dup") == ["3"])
        headers.remove(name: "accept")
        #expect(headers.count == 1)
    }

    @Test func tokensInLists() {
        let headers: HTTPHeaders = ["Connection": "keep-alive, Upgrade", "Upgrade": "websocket"]
        #expect(headers.containsToken("upgrade", for: "connection"))
        #expect(headers.containsToken("Keep-Alive", for: "Connection"))
        #expect(!headers.containsToken("close", for: "Connection"))
        #expect(!HTTPHeaders([("Connection", "upgrades")]).containsToken("upgrade", for: "Connection"))
        #expect(HTTPHeaders([("Connection", " ,, upgrade ,")]).containsToken("upgrade", for: "Connection"))
    }
}

@Suite struct MediaTypeAndETagTests {
    @Test func mediaTypes() {
        #expect(MediaType.forPathExtension("html") == "text/html; charset=utf-8")
        #expect(MediaType.forPathExtension("CSS") == "text/css; charset=utf-8")
        #expect(MediaType.forPathExtension("mjs") == "text/javascript; charset=utf-8")
        #expect(MediaType.forPathExtension("js") == "text/javascript; charset=utf-8")
        #expect(MediaType.forPathExtension("json") == "application/json; charset=utf-8")
        #expect(MediaType.forPathExtension("svg") == "image/svg+xml; charset=utf-8")
        #expect(MediaType.forPathExtension("png") == "image/png")
        #expect(MediaType.forPathExtension("jpg") == "image/jpeg")
        #expect(MediaType.forPathExtension("webp") == "image/webp")
        #expect(MediaType.forPathExtension("ico") == "image/x-icon")
        #expect(MediaType.forPathExtension("woff2") == "font/woff2")
        #expect(MediaType.forPathExtension("txt") == "text/plain; charset=utf-8")
        #expect(MediaType.forPathExtension("webmanifest") == "application/manifest+json; charset=utf-8")
        #expect(MediaType.forPathExtension("map") == "application/json; charset=utf-8")
        #expect(MediaType.forPathExtension("exe") == "application/octet-stream")
        #expect(MediaType.forPath("/a.b/app.min.js") == "text/javascript; charset=utf-8")
        #expect(MediaType.forPath("/.hidden") == "application/octet-stream")
    }

    @Test func fnv1aKnownAnswers() {
        // Reference values of FNV-1a 64.
        #expect(ETag.fnv1a64([]) == 0xcbf2_9ce4_8422_2325)
        #expect(ETag.fnv1a64(bytes("a")) == 0xaf63_dc4c_8601_ec8c)
        #expect(ETag.fnv1a64(bytes("foobar")) == 0x8594_4171_f739_67e8)
        #expect(ETag.strong(for: bytes("a")).headerValue == "\"af63dc4c8601ec8c\"")
        #expect(ETag.weak(for: bytes("a")).headerValue == "W/\"af63dc4c8601ec8c\"")
        #expect(ETag.strong(for: []).headerValue == "\"cbf29ce484222325\"")
    }

    @Test func ifNoneMatchUsesWeakComparison() {
        let strong = ETag(opaqueTag: "abc")
        let weak = ETag(opaqueTag: "abc", isWeak: true)
        #expect(ifNoneMatchMatches(headerValue: "\"abc\"", etag: strong))
        #expect(ETag.ifNoneMatchMatches(headerValue: "W/\"abc\"", etag: strong))
        #expect(ETag.ifNoneMatchMatches(headerValue: "\"abc\"", etag: weak))
        #expect(ETag.ifNoneMatchMatches(headerValue: "\"x\", W/\"y\" ,\"abc\"", etag: strong))
        #expect(ETag.ifNoneMatchMatches(headerValue: "*", etag: strong))
        #expect(ETag.ifNoneMatchMatches(headerValue: " * ", etag: strong))
        #expect(!ETag.ifNoneMatchMatches(headerValue: "\"abcd\"", etag: strong))
        #expect(!ETag.ifNoneMatchMatches(headerValue: "\"ABC\"", etag: strong))
        #expect(!ETag.ifNoneMatchMatches(headerValue: "abc", etag: strong))
        #expect(!ETag.ifNoneMatchMatches(headerValue: "", etag: strong))
        #expect(!ETag.ifNoneMatchMatches(headerValue: "w/\"abc\"", etag: strong))
        #expect(!ETag.ifNoneMatchMatches(headerValue: "\"x\" \"abc\"", etag: strong))
        #expect(!ETag.ifNoneMatchMatches(headerValue: "\"unterminated, \"abc\"", etag: ETag(opaqueTag: "q")))
        // A comma inside a tag is part of the tag.
        #expect(ETag.ifNoneMatchMatches(headerValue: "\"a,b\"", etag: ETag(opaqueTag: "a,b")))
        #expect(!ETag.ifNoneMatchMatches(headerValue: "\"a,b\"", etag: ETag(opaqueTag: "a")))
    }
}
