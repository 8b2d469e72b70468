import COpenSSL
import Glibc
import MingleTestSupport
import TLS

/// A plain OpenSSL client over memory BIOs, the other end of a `TLSSession` in tests.
final class TestClient {
    struct Options {
        var minVersion = TLS1_2_VERSION
        var maxVersion = TLS1_3_VERSION
        var tls12Ciphers: String?
        var alpn: [String] = []
        var groups: String?
        var tls13Suites: String?
        var session: OpaquePointer?
    }

    let context: OpaquePointer
    let ssl: OpaquePointer
    private let fromServer: OpaquePointer
    private let toServer: OpaquePointer

    init(caPath: String, options: Options = Options()) {
        context = SSL_CTX_new(TLS_client_method())!
        _ = mingle_ctx_set_proto_range(context, options.minVersion, options.maxVersion)
        if let ciphers = options.tls12Ciphers { _ = SSL_CTX_set_cipher_list(context, ciphers) }
        if let suites = options.tls13Suites { _ = SSL_CTX_set_ciphersuites(context, suites) }
        if let groups = options.groups { _ = mingle_ctx_set_groups(context, groups) }
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        _ = SSL_CTX_load_verify_locations(context, caPath, nil)
        if !options.alpn.isEmpty {
            let wire = options.alpn.flatMap { [UInt8($0.utf8.count)] + Array($0.utf8) }
            _ = SSL_CTX_set_alpn_protos(context, wire, UInt32(wire.count))
        }
        ssl = SSL_new(context)!
        fromServer = BIO_new(BIO_s_mem())!
        toServer = BIO_new(BIO_s_mem())!
        SSL_set_bio(ssl, fromServer, toServer)
        _ = SSL_set1_host(ssl, "localhost")
        if let session = options.session { _ = SSL_set_session(ssl, session) }
        SSL_set_connect_state(ssl)
    }

    deinit {
        SSL_free(ssl)
        SSL_CTX_free(context)
    }

    func feed(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        _ = bytes.withUnsafeBytes { BIO_write(fromServer, $0.baseAddress, Int32($0.count)) }
    }

    func takeOutput() -> [UInt8] {
        let count = Int(BIO_ctrl_pending(toServer))
        guard count > 0 else { return [] }
        return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            initialized = Int(BIO_read(toServer, buffer.baseAddress, Int32(count)))
        }
    }

    /// 1 when done, otherwise SSL_get_error's code.
    @discardableResult
    func handshake() -> Int32 {
        let result = SSL_do_handshake(ssl)
        return result == 1 ? 1 : SSL_get_error(ssl, result)
    }

    var isHandshakeDone: Bool { SSL_is_init_finished(ssl) == 1 }

    func write(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            var written = 0
            let ok = bytes.withUnsafeBytes { SSL_write_ex(ssl, $0.baseAddress! + offset, $0.count - offset, &written) }
            precondition(ok == 1, "client SSL_write failed")
            offset += written
        }
    }

    /// Reads all available plaintext; the second value is SSL_get_error's code of the last read.
    func read() -> ([UInt8], Int32) {
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            var count = 0
            let ok = SSL_read_ex(ssl, &chunk, chunk.count, &count)
            if ok == 1 {
                result += chunk[..<count]
                continue
            }
            let code = SSL_get_error(ssl, 0)
            ERR_clear_error()
            return (result, code)
        }
    }

    /// The most recent alert this client received, from the error queue text.
    func lastErrorText() -> String {
        var text: [String] = []
        while case let code = ERR_get_error(), code != 0 {
            text.append(String(cString: ERR_reason_error_string(code) ?? ERR_lib_error_string(code)))
        }
        return text.joined(separator: "; ")
    }
}

/// Shuttles bytes between a client and a server session until neither side makes progress.
/// Returns the server's last handshake state.
@discardableResult
func pump(_ client: TestClient, _ server: TLSSession, byteByByte: Bool = false) -> TLSHandshakeState {
    var state = TLSHandshakeState.needsMoreInput
    for _ in 0..<10_000 {
        let clientResult = client.handshake()
        let toServer = client.takeOutput()
        if byteByByte {
            for byte in toServer {
                [byte].withUnsafeBytes { server.receivedCiphertext($0) }
                state = server.advanceHandshake()
            }
        } else {
            toServer.withUnsafeBytes { server.receivedCiphertext($0) }
        }
        state = server.advanceHandshake()
        var toClient: [UInt8] = []
        server.takeCiphertext(into: &toClient)
        client.feed(toClient)
        if toServer.isEmpty && toClient.isEmpty {
            if case .failed = state { return state }
            if clientResult == 1 || clientResult == SSL_ERROR_SSL || clientResult == SSL_ERROR_WANT_READ { return state }
        }
    }
    return state
}

/// Moves client-written application data to the server and returns what the server read.
func deliver(_ client: TestClient, _ server: TLSSession) -> ([UInt8], TLSReadResult) {
    client.takeOutput().withUnsafeBytes { server.receivedCiphertext($0) }
    var plaintext: [UInt8] = []
    let result = server.readPlaintext(into: &plaintext)
    var reply: [UInt8] = []
    server.takeCiphertext(into: &reply)
    client.feed(reply)
    return (plaintext, result)
}

/// A fresh directory under /tmp for one test's files.
func makeTemporaryDirectory() -> String {
    var template = Array("/tmp/mingle-tls-XXXXXX".utf8CString)
    let path = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
    precondition(path != nil, "mkdtemp failed")
    return String(cString: path!)
}

/// A server context with a CA-signed test certificate, and the CA path clients should trust.
func makeServer(profile: TLSProfile = .intermediate) throws -> (context: TLSContext, caPath: String) {
    let paths = try TestCertificates.make(directory: makeTemporaryDirectory())
    let configuration = TLSConfiguration(certificateChainPath: paths.certPath, privateKeyPath: paths.keyPath,
                                         profile: profile)
    return (try TLSContext(configuration: configuration), paths.caPath)
}

extension TestClient {
    /// Certificates the server sent, leaf included.
    var peerChainLength: Int {
        guard let chain = SSL_get_peer_cert_chain(ssl) else { return 0 }
        return Int(OPENSSL_sk_num(chain))
    }
}
