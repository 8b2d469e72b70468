import HTTP1

// HTTP/1.1 requests fed in fuzzer-chosen chunks; each input ends in events, "need more" or a
// typed RequestError, and the same input whole must give the same outcome.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTP(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var limits = HTTPLimits()
    limits.maxRequestLineBytes = 512
    limits.maxHeaderLineBytes = 512
    limits.maxHeadBytes = 2048
    limits.maxBodyBytes = 4096
    func run(chunked: Bool) -> String {
        var parser = RequestParser(limits: limits)
        var trace = ""
        var i = 0
        while i < size {
            var n = size - i
            if chunked { n = max(1, min(Int(data[i] % 17), size - i)) }
            parser.append(UnsafeRawBufferPointer(start: data + i, count: n))
            i += n
            do {
                while let event = try parser.next() {
                    switch event {
                    case .head(let h): trace += "H\(h.method) \(h.target) \(h.headers.count);"
                    case .body(let b): trace += "B\(b.count);"
                    case .end: trace += "E;"
                    }
                }
            } catch {
                precondition(!error.responseBytes.isEmpty, "an error without a reply")
                return trace + "X\(error.status)"
            }
        }
        return trace
    }
    let whole = run(chunked: false)
    let pieces = run(chunked: true)
    // Body chunks may split differently; heads, ends and errors must agree.
    func shape(_ t: String) -> String { t.split(separator: ";").filter { !$0.hasPrefix("B") }.joined(separator: ";") }
    precondition(shape(whole) == shape(pieces), "split changed the outcome: \(whole) vs \(pieces)")
    return 0
}
