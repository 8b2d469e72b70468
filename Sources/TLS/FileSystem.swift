#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The few file operations certificate loading and generation need, without Foundation.
enum FileSystem {
    enum Access { case missing, unreadable(errno: Int32), readable }

    static func check(_ path: String) -> Access {
        if access(path, F_OK) != 0 { return .missing }
        if access(path, R_OK) != 0 { return .unreadable(errno: errno) }
        return .readable
    }

    static func errorText(_ code: Int32) -> String { String(cString: strerror(code)) }

    /// `mkdir -p` with `mode` for directories it creates.
    static func makeDirectories(_ path: String, mode: mode_t = 0o700) throws(CertificateError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            if mkdir(prefix, mode) != 0, errno != EEXIST {
                throw CertificateError("\(prefix): cannot create directory (\(errorText(errno)))")
            }
            prefix += "/"
        }
    }

    /// Writes through a temporary file and `rename(2)`, so a reader never sees half a key; the file is
    /// created with `mode` (0600 for keys) and never passes through a more permissive mode.
    static func writeAtomically(_ path: String, contents: String, mode: mode_t) throws(CertificateError) {
        let temporary = path + ".tmp"
        unlink(temporary)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else {
            throw CertificateError("\(temporary): cannot create (\(errorText(errno)))")
        }
        var bytes = Array(contents.utf8)
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeMutableBytes { write(descriptor, $0.baseAddress! + written, $0.count - written) }
            if result < 0, errno == EINTR { continue }
            guard result > 0 else {
                let code = errno
                close(descriptor)
                unlink(temporary)
                throw CertificateError("\(temporary): write failed (\(errorText(code)))")
            }
            written += result
        }
        bytes.removeAll()
        fchmod(descriptor, mode)
        guard fsync(descriptor) == 0, close(descriptor) == 0, rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw CertificateError("\(path): cannot write (\(errorText(code)))")
        }
    }
}
