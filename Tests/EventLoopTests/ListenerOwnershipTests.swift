#if canImport(Glibc)
import Glibc
#endif
import Testing
import MingleTestSupport
@testable import EventLoop

/// One server per port: a group's own loops share the port, nobody else's socket may, and a socket
/// handed over by a service manager is shared by every loop and outlives the group.
@Suite struct ListenerOwnershipTests {
    /// A listening TCP socket on 127.0.0.1 made the way another program would (not through the group).
    static func foreignListener(port: UInt16 = 0, reusePort: Bool) throws -> (fd: Int32, port: UInt16) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #expect(fd >= 0)
        if reusePort { try Sys.setOption(fd, SOL_SOCKET, SO_REUSEPORT, 1) }
        let rc = SocketAddress(host: "127.0.0.1", port: port)!.withSockAddr { bind(fd, $0, $1) }
        guard rc == 0, listen(fd, 64) == 0 else {
            let e = errno
            close(fd)
            throw SystemError("bind", errno: e)
        }
        return (fd, try ListeningSocket.boundPort(fd))
    }

    static func group(port: UInt16, loops: Int = 2) throws(SystemError) -> LoopGroup<Void> {
        var config = LoopGroupConfiguration()
        config.loops = loops
        config.listeners = [ListenerConfiguration(address: SocketAddress(host: "127.0.0.1", port: port)!, tag: "plain")]
        return try LoopGroup(configuration: config) { loop in loop.makeHandler = { _ in EchoHandler() } }
    }

    static func refusal(_ body: () throws(SystemError) -> LoopGroup<Void>) -> Int32? {
        do {
            let g = try body()
            g.shutdown()
            return nil
        } catch {
            return error.errno
        }
    }

    @Test func aSecondGroupOnTheSamePortIsRefused() throws {
        let first = try Self.group(port: 0)
        defer { first.shutdown() }
        let port = first.boundPorts[0]
        #expect(Self.refusal { () throws(SystemError) in try Self.group(port: port) } == EADDRINUSE)
        #expect(Self.refusal { () throws(SystemError) in try Self.group(port: port, loops: 1) } == EADDRINUSE)
        // The first group still serves on every loop.
        for _ in 0..<8 {
            let c = try BlockingClient(port: port)
            try c.send("x")
            #expect(try c.receive(exactly: 1) == Array("x".utf8))
        }
    }

    @Test func aPortHeldByAnyOtherSocketIsRefusedWhateverItsOptions() throws {
        for reusePort in [false, true] {
            let other = try Self.foreignListener(reusePort: reusePort)
            defer { close(other.fd) }
            #expect(Self.refusal { () throws(SystemError) in try Self.group(port: other.port) } == EADDRINUSE, "SO_REUSEPORT \(reusePort)")
        }
    }

    @Test func theGroupsLoopsShareThePortAndTheKernelSpreadsConnections() throws {
        let g = try Self.group(port: 0, loops: 2)
        defer { g.shutdown() }
        var clients: [BlockingClient] = []
        for _ in 0..<64 {
            let c = try BlockingClient(port: g.boundPorts[0])
            try c.send("x")
            _ = try c.receive(exactly: 1)
            clients.append(c)
        }
        let counts = [g.onLoop(0) { $0.connectionCount }, g.onLoop(1) { $0.connectionCount }]
        #expect(counts.reduce(0, +) == 64)
        #expect(counts.allSatisfy { $0 > 0 }, "both loops' sockets take connections: \(counts)")
    }

    // MARK: Socket activation

    @Test func theVariablesSayHowManyDescriptorsAreOurs() {
        func count(_ pid: String?, _ fds: String?) -> Result<Int, SocketActivation.Failure> {
            SocketActivation.descriptorCount(listenPID: pid, listenFDs: fds, ownPID: 4242)
        }
        #expect(count(nil, nil) == .success(0))
        #expect(count(nil, "2") == .success(0), "no LISTEN_PID: not activated")
        #expect(count("4242", "1") == .success(1))
        #expect(count("4242", "3") == .success(3))
        #expect(count("4243", "1") == .success(0), "meant for another process (a parent's leftovers)")
        #expect(count("4242", nil) == .success(0))
        #expect(count("4242", "0") == .success(0))
        #expect(count("x", "1") == .failure(.invalidVariable(name: "LISTEN_PID", value: "x")))
        #expect(count("4242", "-1") == .failure(.invalidVariable(name: "LISTEN_FDS", value: "-1")))
        #expect(count("4242", "one") == .failure(.invalidVariable(name: "LISTEN_FDS", value: "one")))
        #expect(count("4242", "17") == .failure(.tooManyDescriptors(count: 17, max: 16)))
    }

    @Test func onlyListeningStreamSocketsAreAdopted() throws {
        var pipeFDs: [Int32] = [0, 0]
        #expect(pipe(&pipeFDs) == 0)
        defer { close(pipeFDs[0]); close(pipeFDs[1]) }
        #expect(throws: SocketActivation.Failure.self) { try SocketActivation.adopt(pipeFDs[0]..<(pipeFDs[0] + 1)) }
        let unbound = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(unbound) }
        #expect(throws: SocketActivation.Failure.self) { try SocketActivation.adopt(unbound..<(unbound + 1)) }
        let datagram = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(datagram) }
        #expect(throws: SocketActivation.Failure.self) { try SocketActivation.adopt(datagram..<(datagram + 1)) }

        let held = try Self.foreignListener(reusePort: false)
        defer { close(held.fd) }
        let adopted = try SocketActivation.adopt(held.fd..<(held.fd + 1))
        #expect(adopted.map(\.address) == [SocketAddress(host: "127.0.0.1", port: held.port)!])
        #expect(fcntl(held.fd, F_GETFL) & O_NONBLOCK != 0, "made non-blocking for the accept loop")
        #expect(fcntl(held.fd, F_GETFD) & FD_CLOEXEC != 0)
    }

    /// What `systemctl restart` relies on: the socket outlives the group that served it, connections
    /// made in between wait in its backlog (none refused), and the next group serves them.
    @Test func anInheritedSocketIsSharedByEveryLoopAndOutlivesTheGroup() throws {
        let held = try Self.foreignListener(reusePort: false)
        defer { close(held.fd) }
        let inherited = try SocketActivation.adopt(held.fd..<(held.fd + 1))[0]
        func group() throws -> LoopGroup<Void> {
            var config = LoopGroupConfiguration()
            config.loops = 2
            config.listeners = [ListenerConfiguration(inherited: inherited, tag: "plain")]
            return try LoopGroup(configuration: config) { loop in loop.makeHandler = { _ in EchoHandler() } }
        }
        let first = try group()
        #expect(first.boundPorts == [held.port])
        var clients: [BlockingClient] = []
        for _ in 0..<32 {
            let c = try BlockingClient(port: held.port)
            try c.send("a")
            #expect(try c.receive(exactly: 1) == Array("a".utf8))
            clients.append(c)
        }
        #expect(first.onLoop(0) { $0.connectionCount } + first.onLoop(1) { $0.connectionCount } == 32)
        first.shutdown()
        clients.removeAll()

        // Nobody serves now, yet the port takes connections: they queue in the held socket's backlog.
        var waiting: [BlockingClient] = []
        for i in 0..<16 {
            let c = try BlockingClient(port: held.port)
            try c.send([UInt8(i)])
            waiting.append(c)
        }
        let second = try group()
        defer { second.shutdown() }
        for (i, c) in waiting.enumerated() {
            #expect(try c.receive(exactly: 1) == [UInt8(i)])
        }
    }

    /// A shared socket wakes the first idle loop in the kernel's queue, so connections arriving one at
    /// a time would all land on one loop: after accepting from a shared socket a loop registers again,
    /// to the back of the queue (the kernel's side is measured in `EventLoop.passTurn`). A socket of
    /// the loop's own is left alone.
    @Test func aLoopSharingASocketPassesItsTurnAfterAccepting() throws {
        for shared in [true, false] {
            let poller = ScriptedPoller()
            let loop = try EventLoop(index: 0, inbox: try Inbox(), limits: ConnectionLimits(), maxConnections: 8, poller: poller)
            loop.makeHandler = { _ in EchoHandler() }
            let held = try Self.foreignListener(reusePort: false)
            let fd = try ListeningSocket.duplicate(held.fd)
            close(held.fd)
            try Sys.setNonBlocking(fd)
            try loop.adoptListener(fd: fd, tag: "plain", port: held.port, shared: shared)
            let mask = shared ? Epoll.input | Epoll.exclusive : Epoll.input
            #expect(poller.calls.last.map { [$0.call == "add", $0.fd == fd, $0.mask == mask] } == [true, true, true])
            func accept(at now: ContinuousClock.Instant) -> [String] {
                poller.calls.removeAll()
                loop.acceptConnections(listener: 0, now: now)
                return poller.calls.filter { $0.fd == fd }.map { "\($0.call) \($0.mask == mask)" }
            }
            let t0 = ContinuousClock.now
            let first = try BlockingClient(port: held.port)
            #expect(accept(at: t0) == (shared ? ["remove false", "add true"] : []), "shared \(shared)")
            #expect(loop.connectionCount == 1)
            // Nothing accepted (EAGAIN): no turn to pass.
            #expect(accept(at: t0 + .milliseconds(20)).isEmpty)
            // At most once per turnInterval.
            let second = try BlockingClient(port: held.port)
            #expect(accept(at: t0 + .milliseconds(5)).isEmpty)
            let third = try BlockingClient(port: held.port)
            #expect(accept(at: t0 + EventLoop.turnInterval) == (shared ? ["remove false", "add true"] : []))
            #expect(loop.connectionCount == 3)
            loop.stopAccepting()
            for c in [first, second, third] { c.close() }
        }
    }
}
