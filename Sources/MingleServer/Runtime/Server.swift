#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import EventLoop
import HTTP1
import Mingling
import Synchronization
import TLS
import WebSocket

/// The running server: binds the listener, starts the loops, reloads certificates on
/// SIGHUP and shuts down gracefully. Everything protocol-specific lives in the
/// connection handler and the endpoints it routes to.
public final class Server: Sendable {
    public let settings: ServerSettings
    public let log: Log
    let stats = ServerStats()
    private let shutDownStarted = Atomic<Bool>(false)
    private let tlsConfiguration: TLSConfiguration?
    let group: LoopGroup<LoopContext>
    /// The mingling hub's own loop (nil when serving without an event).
    private let hubGroup: LoopGroup<MinglingHub>?
    let hub: HubHandle?
    let connectionLog: ConnectionLog?
    /// `<stateDirectory>/mingle.lock`, held while this server runs: one server per state directory.
    private let stateLock: FileLock

    /// Kernel thread ids of every loop (connection loops and the hub), for tests and diagnostics.
    var loopKernelThreadIDs: [Int32] { group.kernelThreadIDs + (hubGroup?.kernelThreadIDs ?? []) }
    var loopCount: Int { group.handles.count + (hubGroup?.handles.count ?? 0) }

    /// Returns once every loop has run a job posted now: all are up and past their setup.
    func barrier() {
        Self.waitForLoops(group.handles)
        Self.waitForLoops(hubGroup?.handles ?? [])
    }

    static func waitForLoops<Context>(_ handles: [LoopHandle<Context>]) {
        let done = DispatchGroup()
        for handle in handles {
            done.enter()
            handle.execute { _ in done.leave() }
        }
        done.wait()
    }

    /// The bound port (differs from settings when port 0 was asked for).
    public var port: UInt16 { group.boundPorts[0] }

    public struct StartError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Binds (or takes `sockets` from the service manager) and starts serving; throws with a clear
    /// message when it cannot.
    public init(settings: ServerSettings, log: Log, sockets: HandedOverSockets = .none) throws(StartError) {
        self.settings = settings
        self.log = log
        // Before anything in the directory is read or written: two processes never append to one journal.
        stateLock = try Self.lockStateDirectory(settings.stateDirectory)
        var adminTokenSource: String?
        // The web client is part of the server: without it every page would answer 404.
        let staticFiles = try Self.loadStaticFiles(settings, log: log)
        let tlsConfiguration: TLSConfiguration? = settings.plain ? nil : try Self.resolveCertificate(settings, log)
        self.tlsConfiguration = tlsConfiguration
        // Check the certificate once here so a bad file is one clear error at start.
        if let tlsConfiguration {
            do {
                let context = try TLSContext(configuration: tlsConfiguration)
                log.info("tls_certificate", ["summary": context.certificateSummary.description])
            } catch {
                throw StartError(description: "\(error)")
            }
        }
        guard var address = SocketAddress(host: settings.host, port: settings.port) else {
            throw StartError(description: "--host \(settings.host): not a numeric IPv4 or IPv6 address")
        }
        var config = LoopGroupConfiguration()
        if settings.loops > 0 { config.loops = settings.loops }
        let tag = settings.plain ? "plain" : "tls"
        if sockets.sockets.isEmpty {
            config.listeners = [ListenerConfiguration(address: address, tag: tag)]
        } else {
            config.listeners = sockets.sockets.map { ListenerConfiguration(inherited: $0, tag: tag) }
            address = sockets.sockets[0].address
            log.info("socket_activation", ["sockets": sockets.sockets.map { "\($0.name) \($0.address)" }.joined(separator: ", "),
                                           "note": "listening on the sockets the service manager passed; listen.host and listen.port are not used"])
        }
        config.maxConnections = settings.maxConnections
        config.limits.softOutboundBytes = settings.outboundSoftLimitBytes
        config.limits.hardOutboundBytes = settings.outboundHardLimitBytes
        config.limits.stalledWriteTimeout = settings.slowConsumerTimeout
        let stats = self.stats
        var hub: HubHandle?
        var adminAuth: AdminAuth?
        let connectionLoops = LoopHandlesBox()
        var privacy = Privacy()
        if let eventPath = settings.eventConfigPath {
            let startup = try MinglingStartup.prepare(settings: settings, path: eventPath, log: log)
            let (g, h) = try startup.start(settings: settings, log: log, connectionLoops: connectionLoops)
            hubGroup = g
            hub = h
            privacy = startup.plan.privacy
            h.withHub { hub in hub.startDashboardSampling(stats: stats) }
            do {
                let (token, source) = try AdminAuth.resolveToken(configured: settings.adminToken, stateDirectory: settings.stateDirectory)
                adminAuth = AdminAuth(token: token, cookieKey: HMACSHA256.authenticate(Array("admin-cookie".utf8), key: startup.secret))
                adminTokenSource = source
            } catch {
                throw StartError(description: "cannot create the admin token in \(settings.stateDirectory): \(error)")
            }
            log.info("event_loaded", ["event": startup.plan.event.name, "rooms": "\(startup.plan.rooms.count)",
                                      "sessions": "\(startup.plan.sessions.count)",
                                      "journal": startup.journalPath])
        } else {
            hubGroup = nil
        }
        self.hub = hub
        let setupFailures = SetupFailures()
        let connectionLog = try Self.openConnectionLog(settings, privacy: privacy, log: log)
        self.connectionLog = connectionLog
        if let connectionLog { hub?.withHub { $0.callLog = { connectionLog.record($0) } } }
        do {
            group = try LoopGroup(configuration: config) { [hub, adminAuth] loop, handle in
                let context = Self.setUpLoop(loop, handle: handle, settings: settings, log: log, stats: stats,
                                             tls: tlsConfiguration, hub: hub, adminAuth: adminAuth, staticFiles: staticFiles,
                                             setupFailures: setupFailures)
                context.connectionLog = connectionLog
                let probe = LoopLagProbe.make(on: loop, recorder: stats.loopLag, isBusy: { [unowned loop] in loop.connectionCount > 0 }) {
                    [unowned context] _ in context.reportSocketBytes()
                }
                context.busyTimers.append(probe)
                return context
            }
        } catch {
            connectionLog?.close()
            hubGroup?.stopNow()
            hubGroup?.join()
            throw StartError(description: Self.listenFailure(address, error))
        }
        connectionLoops.set(group.handles)
        // Serve only once every loop is set up, and not at all if one could not be.
        Self.waitForLoops(group.handles)
        if let failure = setupFailures.first {
            group.stopNow()
            group.join()
            hubGroup?.stopNow()
            hubGroup?.join()
            connectionLog?.close()
            throw StartError(description: failure)
        }
        let scheme = settings.plain ? "http" : "https"
        let host = address.hostText
        let shownHost = address.isIPv6 ? "[\(host)]" : host
        log.info("listening", ["url": "\(scheme)://\(shownHost):\(port)/", "port": "\(port)",
                               "loops": "\(group.handles.count)", "tls": settings.plain ? "off" : "on"])
        if hub != nil {
            let visible = host == "0.0.0.0" || host == "::" ? "localhost" : shownHost
            log.info("attendees_url", ["url": "\(scheme)://\(visible):\(port)/"])
            log.info("admin_url", ["url": "\(scheme)://\(visible):\(port)/admin", "token": adminTokenSource ?? "",
                                   "note": "the admin token is in the file named by token (or the variable)"])
        }
    }

    private static func resolveCertificate(_ settings: ServerSettings, _ log: Log) throws(StartError) -> TLSConfiguration {
        if let cert = settings.certificatePath, let key = settings.privateKeyPath {
            return TLSConfiguration(certificateChainPath: cert, privateKeyPath: key)
        }
        if (settings.certificatePath == nil) != (settings.privateKeyPath == nil) {
            throw StartError(description: "both a certificate (--cert) and a private key (--key) are needed, or neither for a development certificate")
        }
        do {
            let dev = try DevelopmentCertificate.ensure(directory: settings.devCertificateDirectory, hostnames: [])
            log.warning("development_certificate", [
                "cert": dev.certificatePath, "created": dev.created ? "yes" : "no",
                "note": "self-signed, for development only; browsers will warn. Use --cert/--key in production",
            ])
            return TLSConfiguration(certificateChainPath: dev.certificatePath, privateKeyPath: dev.keyPath)
        } catch {
            throw StartError(description: "cannot make a development certificate in \(settings.devCertificateDirectory): \(error)")
        }
    }

    private static func setUpLoop(_ loop: EventLoop, handle: LoopHandle<LoopContext>, settings: ServerSettings, log: Log,
                                  stats: ServerStats, tls: TLSConfiguration?, hub: HubHandle?, adminAuth: AdminAuth?,
                                  staticFiles: StaticFiles, setupFailures: SetupFailures) -> LoopContext {
        var context: TLSContext?
        if let tls {
            // The files were checked at start, but they may change before every loop has read
            // them: a failure here is reported to `init`, which refuses to start.
            do { context = try TLSContext(configuration: tls) } catch {
                setupFailures.record("TLS on loop \(loop.index): \(error)")
            }
        }
        let router = Router()
        Routes.install(on: router, settings: settings, stats: stats, hub: hub, adminAuth: adminAuth, staticFiles: staticFiles)
        let headers = SecurityHeaders(strictTransportSecurity: settings.plain ? nil : "max-age=63072000")
        let shared = LoopContext(settings: settings, log: log, stats: stats, router: router, tlsContext: context,
                                 loopHandle: handle, securityHeaders: headers)
        loop.overloadReply = HTTPResponse.text("Server is full, try again shortly.\n", status: 503).serialize()
        loop.makeHandler = { connection in
            // Periodic bookkeeping runs only while the loop has connections.
            for timer in shared.busyTimers { timer.poke() }
            return ServerConnection(shared: shared, useTLS: connection.listenerTag == "tls")
        }
        return shared
    }

    /// Re-reads the certificate and key; on failure the old ones stay and the reason is logged.
    public func reloadCertificates() {
        guard let tlsConfiguration else { return }
        do {
            let check = try TLSContext(configuration: tlsConfiguration)
            log.info("tls_reloaded", ["summary": check.certificateSummary.description])
        } catch {
            log.error("tls_reload_failed", ["reason": "\(error)", "kept": "previous certificate"])
            return
        }
        let log = self.log
        let applied = DispatchGroup()
        for handle in group.handles {
            applied.enter()
            handle.execute { loop, shared in
                defer { applied.leave() }
                do { shared.tlsContext = try TLSContext(configuration: tlsConfiguration) } catch {
                    log.error("tls_reload_failed", ["loop": "\(loop.index)", "reason": "\(error)"])
                }
            }
        }
        // Return once every loop uses the new certificate (new connections only; open ones keep theirs).
        applied.wait()
    }

    /// Re-reads the event file: later rounds use the new plan, running rounds finish as they
    /// were, nobody is disconnected. An invalid file is refused with every error logged.
    public func reloadEvent() {
        guard let hub, let path = settings.eventConfigPath else { return }
        switch EventConfigLoader.load(path: path) {
        case .success(let plan):
            let log = self.log
            let connectionLog = self.connectionLog
            hub.submit(.replacePlan(plan, reply: { error in
                if let error {
                    log.error("event_reload_rejected", ["reason": error.description, "kept": "previous event plan"])
                } else {
                    connectionLog?.update(privacy: plan.privacy)
                    log.info("event_reloaded", ["path": path, "rooms": "\(plan.rooms.count)", "sessions": "\(plan.sessions.count)"])
                }
            }))
        case .failure(let errors):
            for e in errors.errors { log.error("event_reload_rejected", ["error": e.description]) }
            log.error("event_reload_rejected", ["kept": "previous event plan", "errors": "\(errors.errors.count)"])
        }
    }

    /// Re-reads the TURN shared secret (`turn.secretFile`); everyone in a breakout gets a credential signed with
    /// the new one. A file that cannot be read keeps the old secret (logged without its content).
    public func reloadTurnSecret() {
        guard let hub, let turn = settings.turn else { return }
        do {
            let secret = try TurnSecretFile.read(turn.secretFile)
            hub.withHub { $0.replaceTurnSecret(secret) }
            log.info("turn_secret_reloaded", ["secret_file": turn.secretFile])
        } catch {
            log.error("turn_secret_reload_failed", ["reason": error.description, "kept": "previous secret"])
        }
    }

    /// Stops accepting, closes every WebSocket with 1001 and every idle HTTP connection,
    /// waits up to `grace` for the goodbyes to be written, then ends the loops.
    public func shutdown(grace: Duration = .seconds(5)) {
        // A second call (tests stop twice) finds the loops gone; nothing is left to do.
        guard !shutDownStarted.exchange(true, ordering: .acquiringAndReleasing) else { return }
        log.info("shutting_down", ["open_connections": "\(stats.openConnections)"])
        // What the hub accepted before the signal (an announcement already answered 200) must be
        // queued on the connection loops before they say goodbye: one pass through the hub's
        // inbox posts its deliveries ahead of the goodbyes below (each inbox is FIFO).
        if let hubGroup {
            let drained = DispatchGroup()
            for handle in hubGroup.handles {
                drained.enter()
                handle.execute { _ in drained.leave() }
            }
            drained.wait()
        }
        group.executeOnAll { loop, context in
            loop.stopAccepting()
            context.goAwayAll()
            loop.stopWhenIdle(deadline: .now + grace)
        }
        group.join()
        if let hubGroup {
            let log = self.log
            hubGroup.executeOnAll { loop, hub in
                do { try hub.journal.close() } catch {
                    log.error("journal_close_failed", ["reason": "\(error)", "note": "the last events may not be on disk"])
                }
                loop.stop()
            }
            hubGroup.join()
        }
        connectionLog?.close()
        stateLock.release()
        log.info("stopped", [:])
    }
}

extension Server {
    static func openConnectionLog(_ settings: ServerSettings, privacy: Privacy, log: Log) throws(StartError) -> ConnectionLog? {
        guard let path = settings.resolvedConnectionLogPath else { return nil }
        do {
            let connectionLog = try ConnectionLog(path: path, maxFileBytes: settings.connectionLogMaxFileBytes, privacy: privacy,
                                                  wallClock: WallClock.now) { failure in
                log.error("connection_log_write_failed", ["reason": "\(failure)", "note": "that batch of lines is lost"])
            }
            if connectionLog.closedAfterUncleanStop > 0 {
                log.warning("connection_log_recovered", ["closed": "\(connectionLog.closedAfterUncleanStop)", "path": path,
                                                         "note": "connections the previous server left open (it did not stop cleanly) are closed in the log with closedBy crash"])
            }
            return connectionLog
        } catch {
            throw StartError(description: "cannot open the connection log \(path): \(error)")
        }
    }
}

/// Errors a loop met while setting itself up, collected for `Server.init`.
final class SetupFailures: Sendable {
    private let list = Locked<[String]>([])
    func record(_ message: String) { list.withLock { $0.append(message) } }
    var first: String? { list.withLock { $0.first } }
}
