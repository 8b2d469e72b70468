/// Content types for the files a web client is made of.
public enum MediaType {
    /// The Content-Type for a file extension (without the dot, any case); text types carry
    /// `charset=utf-8` so a browser never sniffs the encoding. Unknown extensions are
    /// `application/octet-stream`, which a browser downloads rather than renders.
    public static func forPathExtension(_ pathExtension: String) -> String {
        switch pathExtension.lowercased() {
        case "html", "htm": "text/html; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "js", "mjs": "text/javascript; charset=utf-8"
        case "json", "map": "application/json; charset=utf-8"
        case "webmanifest": "application/manifest+json; charset=utf-8"
        case "txt": "text/plain; charset=utf-8"
        case "svg": "image/svg+xml; charset=utf-8"
        case "png": "image/png"
        case "jpg", "jpeg": "image/jpeg"
        case "webp": "image/webp"
        case "gif": "image/gif"
        case "ico": "image/x-icon"
        case "woff2": "font/woff2"
        case "woff": "font/woff"
        case "wasm": "application/wasm"
        default: "application/octet-stream"
        }
    }

    /// The Content-Type for a path, from what follows its last "." in the last segment.
    public static func forPath(_ path: String) -> String {
        let name = path.split(separator: "/", omittingEmptySubsequences: false).last ?? ""
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return forPathExtension("") }
        return forPathExtension(String(name[name.index(after: dot)...]))
    }
}
