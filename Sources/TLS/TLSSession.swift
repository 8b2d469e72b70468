import COpenSSL

/// Server side of one TLS connection, sans-IO: it never touches a socket.
///
/// Theory of operation. The event loop feeds every received byte to `receivedCiphertext`, then calls
/// `advanceHandshake()` until `.complete`, then `readPlaintext` for as long as data keeps arriving.
/// Outgoing plaintext goes through `writePlaintext`. Any of these may produce ciphertext (handshake
/// messages, alerts, records, a KeyUpdate answer), so the loop calls `takeCiphertext` after each of them
/// and sends what it gets, even after a failure: the fatal alert explains the failure to the peer.
///
/// States: handshaking -> established -> (closedByPeer | failed). `shutdown()` only queues close_notify;
/// reading stays allowed so the peer's close_notify can still be seen. `failed` is terminal.
///
/// The ciphertext BIO never refuses a write, so SSL_read cannot report WANT_WRITE in practice and
/// SSL_write reports WANT_READ only while a handshake is in progress; both are treated as "not now".
public final class TLSSession {
    public let context: TLSContext
    /// `writePlaintext` stops accepting once this much ciphertext waits for `takeCiphertext`.
    public var maxPendingCiphertextBytes = 64 * 1024

    let ssl: OpaquePointer
    let buffers = CiphertextBuffers()
    private var phase = Phase.handshaking
    private var sentCloseNotify = false

    private enum Phase: Equatable {
        case handshaking, established, closedByPeer
        case failed(TLSError)
    }

    /// Same as `context.makeSession()`.
    public init(context: TLSContext) {
        OpenSSLErrorQueue.clear()
        guard let ssl = SSL_new(context.context) else {
            fatalError("SSL_new failed: \(OpenSSLErrorQueue.drainText())")
        }
        let bio = CiphertextBIO.makeBIO(method: context.bioMethod, buffers: buffers)
        SSL_set_bio(ssl, bio, bio)
        SSL_set_accept_state(ssl)
        self.ssl = ssl
        self.context = context
    }

    deinit { SSL_free(ssl) }

    /// Queues bytes read from the socket; copied, so the caller may reuse its read buffer.
    /// Ignored once the session has failed or the peer has closed: nothing would read them.
    public func receivedCiphertext(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty, phase == .handshaking || phase == .established else { return }
        buffers.append(inbound: bytes)
    }

    /// Received ciphertext not yet consumed; the loop may stop reading the socket while this is large.
    public var bufferedCiphertextBytes: Int { buffers.inboundCount }

    public func advanceHandshake() -> TLSHandshakeState {
        switch phase {
        case .established, .closedByPeer: return .complete
        case let .failed(error): return .failed(error)
        case .handshaking: break
        }
        OpenSSLErrorQueue.clear()
        let result = SSL_do_handshake(ssl)
        if result == 1 {
            phase = .established
            return .complete
        }
        switch SSL_get_error(ssl, result) {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
            return .needsMoreInput
        default:
            return .failed(fail(fallback: "handshake ended without a reason"))
        }
    }

    /// Appends every plaintext byte that the fed ciphertext decrypts to.
    public func readPlaintext(into buffer: inout [UInt8]) -> TLSReadResult {
        switch phase {
        case .handshaking: return .needsMoreInput
        case .closedByPeer: return .closedByPeer
        case let .failed(error): return .failed(error)
        case .established: break
        }
        let chunkBytes = 16 * 1024  // one TLS record's worth
        return withUnsafeTemporaryAllocation(byteCount: chunkBytes, alignment: 1) { scratch in
            var total = 0
            while true {
                OpenSSLErrorQueue.clear()
                var count = 0
                let result = SSL_read_ex(ssl, scratch.baseAddress, chunkBytes, &count)
                if result == 1 {
                    buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[..<count]))
                    total += count
                    continue
                }
                if buffers.refusedRenegotiation {
                    let error = TLSError(cause: .renegotiationRefused, reason: "no renegotiation", isPeerFault: true)
                    phase = .failed(error)
                    OpenSSLErrorQueue.clear()
                    return total > 0 ? .progress(bytes: total) : .failed(error)
                }
                switch SSL_get_error(ssl, result) {
                case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
                    return total > 0 ? .progress(bytes: total) : .needsMoreInput
                case SSL_ERROR_ZERO_RETURN:
                    phase = .closedByPeer
                    return total > 0 ? .progress(bytes: total) : .closedByPeer
                default:
                    // Plaintext before the bad record was authenticated: deliver it, report the failure next.
                    let error = fail(fallback: "read failed without a reason")
                    return total > 0 ? .progress(bytes: total) : .failed(error)
                }
            }
        }
    }

    /// Encrypts a prefix of `bytes` and returns its length; the caller keeps the rest and offers it again
    /// (the same remaining bytes first) once ciphertext has been taken. 0 before the handshake completes,
    /// after `shutdown()`, or after a failure.
    public func writePlaintext(_ bytes: UnsafeRawBufferPointer) -> Int {
        guard phase == .established || phase == .closedByPeer, !sentCloseNotify, let base = bytes.baseAddress else {
            return 0
        }
        var accepted = 0
        while accepted < bytes.count, buffers.outbound.count < maxPendingCiphertextBytes {
            OpenSSLErrorQueue.clear()
            var count = 0
            // Partial-write mode: SSL_write_ex returns after each record, which lets the cap apply.
            let result = SSL_write_ex(ssl, base + accepted, bytes.count - accepted, &count)
            if result == 1 {
                accepted += count
                continue
            }
            switch SSL_get_error(ssl, result) {
            case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
                return accepted
            default:
                _ = fail(fallback: "write failed without a reason")
                return accepted
            }
        }
        return accepted
    }

    /// Appends the ciphertext produced so far and forgets it. Call after every other method.
    public func takeCiphertext(into buffer: inout [UInt8]) {
        guard !buffers.outbound.isEmpty else { return }
        if buffer.isEmpty {
            swap(&buffer, &buffers.outbound)
            buffers.outbound = []  // never keep the caller's old capacity
        } else {
            buffer.append(contentsOf: buffers.outbound)
            buffers.outbound = []
        }
    }

    public var hasPendingCiphertext: Bool { !buffers.outbound.isEmpty }

    /// Queues close_notify (once). Reading stays possible so the peer's close_notify can be seen.
    public func shutdown() {
        guard !sentCloseNotify else { return }
        sentCloseNotify = true
        guard phase == .established || phase == .closedByPeer else { return }
        OpenSSLErrorQueue.clear()
        _ = SSL_shutdown(ssl)
        OpenSSLErrorQueue.clear()
    }

    private func fail(fallback: String) -> TLSError {
        let error = OpenSSLErrorQueue.drainTLSError(fallback: fallback)
        phase = .failed(error)
        return error
    }
}

public enum TLSHandshakeState: Sendable, Equatable {
    /// Established; call `readPlaintext` at once, the peer's first data may already be buffered.
    case complete
    case needsMoreInput
    case failed(TLSError)
}

public enum TLSReadResult: Sendable, Equatable {
    case progress(bytes: Int)
    case needsMoreInput
    /// close_notify received: no more data will come.
    case closedByPeer
    case failed(TLSError)
}
