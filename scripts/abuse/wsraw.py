"""Raw-socket tools for the abuse tests: hand-made frames and requests, plain or TLS, and
/proc readings of the server (RSS, descriptors, CPU). Standard library only."""
import base64
import os
import socket
import ssl
import struct
import time
import zlib

CTX = ssl.create_default_context()
CTX.check_hostname = False
CTX.verify_mode = ssl.CERT_NONE

KEY = base64.b64encode(b"0123456789abcdef").decode()


# --- the server process, from /proc ------------------------------------------------------

def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def fd_count(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


def cpu_seconds(pid):
    """User + system CPU time of the whole process."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def settle(pid, baseline, timeout=10.0):
    """Waits until the descriptor count is back to `baseline`; returns the last count."""
    deadline = time.time() + timeout
    n = fd_count(pid)
    while n > baseline and time.time() < deadline:
        time.sleep(0.05)
        n = fd_count(pid)
    return n


# --- connections -------------------------------------------------------------------------

def connect(port, tls, timeout=10.0, rcvbuf=None, handshake=True):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.settimeout(timeout)
    s.connect(("127.0.0.1", port))
    if tls:
        s = CTX.wrap_socket(s, server_hostname="localhost", do_handshake_on_connect=handshake)
    return s


def reset(sock):
    """Closes with an RST (SO_LINGER 0) instead of a FIN."""
    raw = sock
    try:
        raw.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    try:
        raw.close()
    except OSError:
        pass


def upgrade_request(port, path="/ws", extensions=None, extra=""):
    lines = ["GET %s HTTP/1.1" % path, "Host: 127.0.0.1:%d" % port, "Upgrade: websocket", "Connection: Upgrade",
             "Sec-WebSocket-Key: " + KEY, "Sec-WebSocket-Version: 13", "Origin: http://127.0.0.1:%d" % port]
    if extensions:
        lines.append("Sec-WebSocket-Extensions: " + extensions)
    return ("\r\n".join(lines) + "\r\n" + extra + "\r\n").encode()


def read_head(sock):
    """Reads an HTTP response head; returns (status, head text, bytes after the head)."""
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed before a response head (%d bytes)" % len(buf))
        buf += chunk
    head, rest = buf.split(b"\r\n\r\n", 1)
    text = head.decode("latin-1")
    return int(text.split(" ", 2)[1]), text, rest


def open_ws(port, tls, path="/ws", extensions=None, rcvbuf=None, timeout=10.0):
    """Connects and upgrades; returns a FrameReader positioned after the 101."""
    s = connect(port, tls, timeout=timeout, rcvbuf=rcvbuf)
    s.sendall(upgrade_request(port, path, extensions))
    status, head, rest = read_head(s)
    if status != 101:
        s.close()
        raise ConnectionError("upgrade refused: %d" % status)
    return FrameReader(s, rest, head)


def frame(opcode, payload=b"", fin=True, rsv1=False, length=None, mask=b"\x11\x22\x33\x44"):
    """A client frame (masked). `length` overrides the declared payload length."""
    n = len(payload) if length is None else length
    b0 = (0x80 if fin else 0) | (0x40 if rsv1 else 0) | opcode
    if n < 126:
        head = struct.pack("!BB", b0, 0x80 | n)
    elif n < 65536:
        head = struct.pack("!BBH", b0, 0x80 | 126, n)
    else:
        head = struct.pack("!BBQ", b0, 0x80 | 127, n)
    if mask is None:
        return head + payload
    masked = bytes(b ^ mask[i & 3] for i, b in enumerate(payload)) if len(payload) < 4096 else _mask_fast(payload, mask)
    return head + mask + masked


def _mask_fast(payload, mask):
    n = len(payload)
    key = int.from_bytes((mask * ((n + 3) // 4))[:n], "big")
    return (int.from_bytes(payload, "big") ^ key).to_bytes(n, "big")


def deflate_message(data, level=9):
    """permessage-deflate payload: raw deflate with the 00 00 ff ff tail stripped (RFC 7692 §7.2.1)."""
    c = zlib.compressobj(level, zlib.DEFLATED, -15)
    out = c.compress(data) + c.flush(zlib.Z_SYNC_FLUSH)
    assert out.endswith(b"\x00\x00\xff\xff")
    return out[:-4]


class FrameReader:
    """Reads server frames (unmasked) from a socket."""

    def __init__(self, sock, buffered=b"", head=""):
        self.sock = sock
        self.buf = bytearray(buffered)
        self.head = head

    def _fill(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError
            self.buf += chunk

    def next(self):
        """(opcode, payload) of the next frame; EOFError when the TCP stream ends."""
        self._fill(2)
        b0, b1 = self.buf[0], self.buf[1]
        n, off = b1 & 0x7F, 2
        if n == 126:
            self._fill(4)
            n, off = struct.unpack("!H", self.buf[2:4])[0], 4
        elif n == 127:
            self._fill(10)
            n, off = struct.unpack("!Q", self.buf[2:10])[0], 10
        self._fill(off + n)
        payload = bytes(self.buf[off:off + n])
        del self.buf[:off + n]
        return b0 & 0x0F, payload

    def close_code(self, timeout=10.0):
        """Reads until a Close frame; returns its code (None for an empty one), 'eof' if the TCP
        stream ended without one, 'reset' on a reset, 'timeout' if nothing came."""
        self.sock.settimeout(timeout)
        try:
            while True:
                op, payload = self.next()
                if op == 8:
                    return struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None
        except EOFError:
            return "eof"
        except (ConnectionResetError, BrokenPipeError):
            return "reset"
        except ssl.SSLError:
            return "reset"
        except socket.timeout:
            return "timeout"

    def send(self, data):
        self.sock.sendall(data)

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def closed_within(sock, timeout):
    """Seconds until the peer closed the connection (EOF or reset), or None on timeout.
    Anything the server sends first (a 408, a TLS alert) is read and ignored."""
    start = time.time()
    sock.settimeout(timeout)
    try:
        while True:
            if not sock.recv(65536):
                return time.time() - start
    except (ConnectionResetError, BrokenPipeError, ssl.SSLError):
        return time.time() - start
    except (socket.timeout, TimeoutError):
        return None
