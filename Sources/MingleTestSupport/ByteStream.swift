#if canImport(Glibc)
import Glibc
#endif
import COpenSSL

/// A blocking byte stream for tests: plain TCP or TLS over it.
public protocol ByteStream: AnyObject {
    func send(_ bytes: [UInt8]) throws
    /// Whatever arrives next; empty means the peer closed.
    func receiveSome() throws -> [UInt8]
}

extension BlockingClient: ByteStream {
    public func receiveSome() throws -> [UInt8] { try receiveSome(max: 65536) }
}

/// A blocking TLS client over a `BlockingClient` socket (OpenSSL, no verification unless a
/// CA file is given), for integration tests against the real server.
public final class BlockingTLSClient: ByteStream {
    public let tcp: BlockingClient
    private let ctx: OpaquePointer
    private let ssl: OpaquePointer

    public init(port: UInt16, host: String = "127.0.0.1", caFile: String? = nil, alpn: [String] = ["http/1.1"],
                handshake: Bool = true) throws {
        tcp = try BlockingClient(host: host, port: port)
        ctx = SSL_CTX_new(TLS_client_method())
        if let caFile {
            SSL_CTX_load_verify_locations(ctx, caFile, nil)
            SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nil)
        }
        var wire: [UInt8] = []
        for p in alpn { wire.append(UInt8(p.utf8.count)); wire += Array(p.utf8) }
        if !wire.isEmpty { SSL_CTX_set_alpn_protos(ctx, wire, UInt32(wire.count)) }
        ssl = SSL_new(ctx)
        SSL_set_fd(ssl, tcp.fd)
        if handshake { try self.handshake() }
    }

    deinit {
        SSL_free(ssl)
        SSL_CTX_free(ctx)
    }

    public struct Failure: Error, CustomStringConvertible { public let description: String }

    public func handshake() throws {
        let rc = SSL_connect(ssl)
        if rc != 1 {
            throw Failure(description: "TLS handshake failed: SSL_get_error \(SSL_get_error(ssl, rc))")
        }
    }

    public var negotiatedVersion: String { String(cString: SSL_get_version(ssl)) }

    public func send(_ bytes: [UInt8]) throws {
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { SSL_write(ssl, $0.baseAddress! + off, Int32($0.count - off)) }
            if n <= 0 { throw Failure(description: "SSL_write: \(SSL_get_error(ssl, n))") }
            off += Int(n)
        }
    }

    public func receiveSome() throws -> [UInt8] {
        var buf = [UInt8](repeating: 0, count: 65536)
        let n = buf.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32($0.count)) }
        if n > 0 { return Array(buf[0..<Int(n)]) }
        let err = SSL_get_error(ssl, n)
        if err == SSL_ERROR_ZERO_RETURN || err == SSL_ERROR_SYSCALL { return [] }
        throw Failure(description: "SSL_read: error \(err)")
    }
}

extension ByteStream {
    public func send(_ text: String) throws { try send(Array(text.utf8)) }

    /// Reads until `marker` appears; returns (bytes up to and including it, the rest).
    public func receive(until marker: [UInt8]) throws -> (head: [UInt8], rest: [UInt8]) {
        var out: [UInt8] = []
        while true {
            if let i = BlockingClient.find(marker, in: out) {
                return (Array(out[0..<(i + marker.count)]), Array(out[(i + marker.count)...]))
            }
            let chunk = try receiveSome()
            if chunk.isEmpty { throw BlockingClient.Failure(description: "EOF before marker; got \(String(decoding: out, as: UTF8.self))") }
            out += chunk
        }
    }

    /// Reads until the peer closes.
    public func receiveAll() throws -> [UInt8] {
        var out: [UInt8] = []
        while true {
            let chunk = try receiveSome()
            if chunk.isEmpty { return out }
            out += chunk
        }
    }
}
