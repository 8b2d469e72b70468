#if canImport(Glibc)
import Glibc
#endif
import EventLoop

/// What a start must own or load before it serves anyone, each refused with a sentence that says
/// what to do: the state directory (one server each), the port (one server each) and the web files.
extension Server {
    /// Listening sockets handed over by the service manager (systemd socket activation), or none.
    public struct HandedOverSockets: Sendable {
        let sockets: [InheritedSocket]
        public static let none = HandedOverSockets(sockets: [])
        public var count: Int { sockets.count }

        init(sockets: [InheritedSocket]) { self.sockets = sockets }

        /// The sockets `LISTEN_FDS`/`LISTEN_PID` pass to this process (`sd_listen_fds(3)`); none when
        /// it was started otherwise. Call once, early: the variables are removed.
        public static func fromServiceManager() throws(StartError) -> HandedOverSockets {
            do { return HandedOverSockets(sockets: try SocketActivation.takeListeningSockets()) } catch {
                throw StartError(description: error.description)
            }
        }
    }

    static let stateLockName = "mingle.lock"

    static func lockStateDirectory(_ directory: String) throws(StartError) -> FileLock {
        do { try Files.createDirectories(directory, permissions: 0o750) } catch {
            throw StartError(description: "cannot create the state directory: \(error)")
        }
        let path = directory + "/" + stateLockName
        do {
            return try FileLock.acquire(path)
        } catch {
            switch error {
            case .held(_, let pid):
                let holder = pid.map { $0 == getpid() ? "another server in this process (pid \($0))" : "process \($0)" }
                    ?? "another process"
                throw StartError(description: "the state directory \(directory) is in use by \(holder): "
                                 + "one server per state directory (\(path) is locked); stop that server or use another --state-dir")
            case .file(let failure):
                throw StartError(description: "cannot lock the state directory \(directory): \(failure)")
            }
        }
    }

    static func listenFailure(_ address: SocketAddress, _ error: SystemError) -> String {
        if error.errno == EADDRINUSE {
            return "port \(address.port) is already in use (\(address) is held by another process; "
                + "stop it or choose another --port)"
        }
        return "cannot listen on \(address): \(error)"
    }

    static func loadStaticFiles(_ settings: ServerSettings, log: Log) throws(StartError) -> StaticFiles {
        guard let directory = settings.publicDirectory ?? StaticFiles.bundledPublicDirectory() else {
            throw StartError(description: "the web files are missing: this build has no bundled Public directory "
                             + "(install the mingle_MingleServer.resources folder beside the binary, or set publicDirectory)")
        }
        let files: StaticFiles
        do { files = try StaticFiles(directory: directory) } catch {
            throw StartError(description: "the web files cannot be loaded from \(directory): \(error)")
        }
        guard files.has("/index.html") else {
            throw StartError(description: "the web files in \(directory) have no index.html (publicDirectory must name "
                             + "a copy of Sources/MingleServer/Public)")
        }
        log.info("web_files", ["directory": directory, "files": "\(files.count)"])
        return files
    }
}
