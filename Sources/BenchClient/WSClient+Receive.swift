import Deflate
import EventLoop

extension WSClient {
    func sendUpgrade() {
        phase = .upgrading
        var k = [UInt8](repeating: 0, count: 16)
        for i in 0..<16 { k[i] = UInt8(truncatingIfNeeded: nextMask()) }
        key = Base64Text.encode(k)
        var req = "GET \(options.path) HTTP/1.1\r\nHost: \(options.hostHeader)\r\nUpgrade: websocket\r\n"
        req += "Connection: Upgrade\r\nSec-WebSocket-Key: \(key)\r\nSec-WebSocket-Version: 13\r\n"
        if let origin = options.origin { req += "Origin: \(origin)\r\n" }
        if options.deflate { req += "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n" }
        req += "\r\n"
        var bytes = Array(req.utf8)
        bytes.withUnsafeMutableBytes { writeRaw(UnsafeRawBufferPointer($0)) }
    }

    func plaintext(_ bytes: UnsafeRawBufferPointer, now: ContinuousClock.Instant) {
        switch phase {
        case .upgrading:
            inbound.append(contentsOf: bytes)
            guard let end = FrameCodec.headEnd(inbound) else {
                if inbound.count > 16 * 1024 { fail("upgrade response head too long") }
                return
            }
            let head = String(decoding: inbound[0..<end], as: UTF8.self)
            inbound.removeFirst(end + 4)
            guard head.hasPrefix("HTTP/1.1 101") else {
                fail("upgrade refused: \(head.prefix(while: { $0 != "\r" }))")
                return
            }
            let lower = head.lowercased()
            if options.deflate && lower.contains("permessage-deflate") {
                deflateNegotiated = true
                let serverBits = Self.windowBits(lower, "server_max_window_bits") ?? 15
                let clientBits = Self.windowBits(lower, "client_max_window_bits") ?? 15
                deflater = try? Deflater(level: 1, windowBits: max(9, clientBits), memoryLevel: 8)
                inflater = try? Inflater(windowBits: max(9, serverBits))
            }
            phase = .open
            openedAt = now
            delegate?.clientOpened(self, now: now)
            if !inbound.isEmpty && phase == .open {
                let rest = inbound
                inbound.removeAll()
                rest.withUnsafeBytes { frames($0, now: now) }
            }
        case .open, .closing:
            frames(bytes, now: now)
        default:
            break
        }
    }

    static func windowBits(_ head: String, _ name: String) -> Int? {
        let tokens = head.split(whereSeparator: { $0 == ";" || $0 == "," || $0 == " " || $0 == "\r" || $0 == "\n" })
        for t in tokens where t.hasPrefix(name + "=") { return Int(t.dropFirst(name.count + 1)) }
        return nil
    }

    /// Parses frames from `bytes`, using the `inbound` buffer only for a partial frame.
    func frames(_ bytes: UnsafeRawBufferPointer, now: ContinuousClock.Instant) {
        if inbound.isEmpty {
            let used = parseFrames(bytes, now: now)
            if used < bytes.count && phase != .closed {
                inbound.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[used...]))
            }
        } else {
            inbound.append(contentsOf: bytes)
            let all = inbound
            inbound.removeAll(keepingCapacity: true)
            all.withUnsafeBytes { buf in
                let used = parseFrames(buf, now: now)
                if used < buf.count && phase != .closed {
                    inbound.append(contentsOf: UnsafeRawBufferPointer(rebasing: buf[used...]))
                }
            }
        }
    }

    private func parseFrames(_ buf: UnsafeRawBufferPointer, now: ContinuousClock.Instant) -> Int {
        var at = 0
        while phase == .open || phase == .closing {
            guard let f = FrameCodec.parseHeader(buf, at: at) else { return at }
            if f.length > options.maxMessageBytes { fail("frame of \(f.length) bytes"); return at }
            guard buf.count - f.payloadStart >= f.length else { return at }
            let payload = UnsafeRawBufferPointer(rebasing: buf[f.payloadStart..<(f.payloadStart + f.length)])
            at = f.payloadStart + f.length
            handleFrame(f, payload, now: now)
        }
        return at
    }

    private func handleFrame(_ f: FrameCodec.Header, _ payload: UnsafeRawBufferPointer, now: ContinuousClock.Instant) {
        switch f.opcode {
        case 0x8:
            if phase == .open {
                writeFrame(UnsafeRawBufferPointer(rebasing: payload.prefix(2)), opcode: 8, rsv1: false)
            }
            phase = .closing
            connection?.close()
        case 0x9:
            writeFrame(payload, opcode: 0xA, rsv1: false)
        case 0xA:
            break
        case 0x0, 0x1, 0x2:
            if f.opcode != 0 { messageOpcode = f.opcode; messageCompressed = f.rsv1 }
            if f.fin && message.isEmpty && !messageCompressed {
                delegate?.client(self, received: payload, opcode: messageOpcode, now: now)
                return
            }
            message.append(contentsOf: payload)
            guard f.fin else { return }
            if messageCompressed, let inflater {
                var out: [UInt8] = []
                message.append(contentsOf: Inflater.messageTail)
                do {
                    try message.withUnsafeBytes { try inflater.inflate($0, appendingTo: &out, limitBytes: options.maxMessageBytes) }
                } catch {
                    fail("inflate failed: \(error)")
                    return
                }
                inflater.finishMessage()
                message.removeAll(keepingCapacity: true)
                out.withUnsafeBytes { delegate?.client(self, received: $0, opcode: messageOpcode, now: now) }
            } else {
                let m = message
                message.removeAll(keepingCapacity: true)
                m.withUnsafeBytes { delegate?.client(self, received: $0, opcode: messageOpcode, now: now) }
            }
        default:
            fail("unexpected opcode \(f.opcode)")
        }
    }
}
