import Foundation
import HTTP1

extension StaticFiles {
    enum LoadError: Error, Equatable, CustomStringConvertible {
        case unreadable(path: String, reason: String)
        case fileTooLarge(path: String, bytes: Int, maxFileBytes: Int)
        case totalTooLarge(maxTotalBytes: Int)
        case tooManyFiles(maxFileCount: Int)

        var description: String {
            switch self {
            case .unreadable(let path, let reason): "static files: cannot read \(path): \(reason)"
            case .fileTooLarge(let path, let bytes, let max): "static files: \(path) has \(bytes) bytes, maxFileBytes is \(max)"
            case .totalTooLarge(let max): "static files: more than maxTotalBytes (\(max)) in total"
            case .tooManyFiles(let max): "static files: more than maxFileCount (\(max)) files"
            }
        }
    }

    convenience init(directory: URL, limits: Limits = Limits(), securityHeaders: SecurityHeaders = SecurityHeaders()) throws {
        try self.init(directory: directory.path, limits: limits, securityHeaders: securityHeaders)
    }

    /// SwiftPM's name for this target's resources: `<package>_<target>.resources`.
    static let resourceBundleName = "Mingle_MingleServer.resources"

    /// The `Public` directory shipped as the package's resource, beside the executable (the build
    /// directory, or wherever the binary was installed with its resources); nil when it is not there.
    /// Not `Bundle.module`: when the bundle is missing, its generated accessor traps instead of
    /// letting the start say what is wrong.
    static func bundledPublicDirectory() -> String? {
        let path = Bundle.main.bundleURL.appendingPathComponent(resourceBundleName).appendingPathComponent("Public").path
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue ? path : nil
    }

    static func loadFiles(in directory: String, limits: Limits) throws -> [String: File] {
        var files: [String: File] = [:]
        var totalBytes = 0
        try load(
            URL(fileURLWithPath: directory, isDirectory: true), prefix: "/", depth: 0,
            limits: limits, into: &files, totalBytes: &totalBytes
        )
        return files
    }

    private static let keys: Set<URLResourceKey> = [.isDirectoryKey, .isRegularFileKey, .isSymbolicLinkKey, .fileSizeKey]

    private static func load(
        _ directory: URL, prefix: String, depth: Int, limits: Limits,
        into files: inout [String: File], totalBytes: inout Int
    ) throws {
        let entries: [URL]
        do {
            entries = try FileManager.default.contentsOfDirectory(
                at: directory, includingPropertiesForKeys: Array(keys), options: [.skipsHiddenFiles]
            )
        } catch {
            throw LoadError.unreadable(path: directory.path, reason: "\(error)")
        }
        for entry in entries.sorted(by: { $0.lastPathComponent < $1.lastPathComponent }) {
            let name = entry.lastPathComponent
            if name.hasPrefix(".") { continue }
            let values: URLResourceValues
            do {
                values = try entry.resourceValues(forKeys: keys)
            } catch {
                throw LoadError.unreadable(path: entry.path, reason: "\(error)")
            }
            if values.isSymbolicLink == true { continue }
            if values.isDirectory == true {
                if depth < limits.maxDirectoryDepth {
                    try load(entry, prefix: prefix + name + "/", depth: depth + 1, limits: limits, into: &files, totalBytes: &totalBytes)
                }
                continue
            }
            guard values.isRegularFile == true else { continue }
            let size = values.fileSize ?? 0
            if size > limits.maxFileBytes {
                throw LoadError.fileTooLarge(path: entry.path, bytes: size, maxFileBytes: limits.maxFileBytes)
            }
            if files.count == limits.maxFileCount { throw LoadError.tooManyFiles(maxFileCount: limits.maxFileCount) }
            let body: [UInt8]
            do {
                body = [UInt8](try Data(contentsOf: entry))
            } catch {
                throw LoadError.unreadable(path: entry.path, reason: "\(error)")
            }
            // The size may have changed since the directory was listed.
            if body.count > limits.maxFileBytes {
                throw LoadError.fileTooLarge(path: entry.path, bytes: body.count, maxFileBytes: limits.maxFileBytes)
            }
            totalBytes += body.count
            if totalBytes > limits.maxTotalBytes { throw LoadError.totalTooLarge(maxTotalBytes: limits.maxTotalBytes) }
            let mediaType = MediaType.forPath(name)
            files[prefix + name] = File(
                body: body, etag: .strong(for: body), mediaType: mediaType,
                cacheControl: cacheControl(forMediaType: mediaType)
            )
        }
    }
}
