import COpenSSL

/// Client side of TLS for the load tool: OpenSSL over two memory BIOs, so the event loop keeps
/// owning the socket. The certificate is not verified (the tool measures the server's cost of a
/// full handshake, not the client's trust decisions), and session tickets are not kept, so every
/// connection is a full handshake.
public final class ClientTLSContext {
    let context: OpaquePointer
    /// Decrypted bytes land here; shared by the context's sessions, all on one loop thread.
    let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)

    public init() {
        context = SSL_CTX_new(TLS_client_method())!
        _ = mingle_ctx_set_proto_range(context, TLS1_2_VERSION, TLS1_3_VERSION)
        SSL_CTX_set_verify(context, SSL_VERIFY_NONE, nil)
        _ = mingle_ctx_set_modes(context)
    }

    deinit {
        SSL_CTX_free(context)
        scratch.deallocate()
    }
}

/// One client TLS connection, sans-IO: ciphertext in, ciphertext out.
final class ClientTLSSession {
    enum Step { case handshaking, established, failed(String) }

    private let ssl: OpaquePointer
    private let fromServer: OpaquePointer
    private let toServer: OpaquePointer
    private(set) var isEstablished = false

    init(context: ClientTLSContext) {
        ssl = SSL_new(context.context)!
        fromServer = BIO_new(BIO_s_mem())!
        toServer = BIO_new(BIO_s_mem())!
        SSL_set_bio(ssl, fromServer, toServer)
        SSL_set_connect_state(ssl)
    }

    deinit { SSL_free(ssl) }

    func feed(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        _ = BIO_write(fromServer, bytes.baseAddress, Int32(bytes.count))
    }

    /// Moves pending ciphertext to `output`.
    func drainCiphertext(into output: (UnsafeRawBufferPointer) -> Void) {
        while true {
            var ptr: UnsafeMutablePointer<CChar>?
            let n = BIO_ctrl(toServer, BIO_CTRL_INFO, 0, &ptr)
            guard n > 0, let p = ptr else { return }
            output(UnsafeRawBufferPointer(start: p, count: n))
            _ = BIO_ctrl(toServer, BIO_CTRL_RESET, 0, nil)
            return
        }
    }

    func handshake() -> Step {
        if isEstablished { return .established }
        ERR_clear_error()
        let rc = SSL_do_handshake(ssl)
        if rc == 1 { isEstablished = true; return .established }
        let e = SSL_get_error(ssl, rc)
        if e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE { return .handshaking }
        return .failed("TLS handshake failed (SSL error \(e), \(Self.errorText()))")
    }

    enum ReadEnd { case needsMoreInput, closeNotify, failed }

    /// Decrypts everything available, then says why it stopped.
    func readPlaintext(into buffer: UnsafeMutableRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Void) -> ReadEnd {
        while true {
            var count = 0
            let ok = SSL_read_ex(ssl, buffer.baseAddress, buffer.count, &count)
            if ok == 1 {
                body(UnsafeRawBufferPointer(start: buffer.baseAddress, count: count))
                continue
            }
            switch SSL_get_error(ssl, 0) {
            case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE: return .needsMoreInput
            case SSL_ERROR_ZERO_RETURN: return .closeNotify
            default: return .failed
            }
        }
    }

    func write(_ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < bytes.count {
            var written = 0
            let ok = SSL_write_ex(ssl, bytes.baseAddress! + offset, bytes.count - offset, &written)
            if ok != 1 { return }
            offset += written
        }
    }

    static func errorText() -> String {
        let code = ERR_get_error()
        guard code != 0 else { return "no detail" }
        var buf = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buf, buf.count)
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
