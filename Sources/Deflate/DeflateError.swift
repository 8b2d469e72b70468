/// Why decompressing a peer's data stopped. Each case names what the peer's bytes did, so the
/// protocol layer can pick the wire reply (1009 for the limit, 1007 for corrupt data).
public enum InflateError: Error, Equatable, Sendable {
    /// The decompressed output passed `limitBytes`; inflation stopped at most one chunk later.
    case outputLimitExceeded(limitBytes: Int)
    /// The input is not a valid raw DEFLATE stream (zlib `Z_DATA_ERROR` and friends).
    case corruptData(zlibCode: Int32)
    /// zlib could not allocate its state (`Z_MEM_ERROR`).
    case outOfMemory
    /// `inflateInit2` refused the parameters (a bug on our side, not the peer's).
    case initializationFailed(zlibCode: Int32)
}

/// Why compressing our own data failed. None of these can be caused by a peer.
public enum DeflateError: Error, Equatable, Sendable {
    /// `deflateInit2` refused the parameters or could not allocate.
    case initializationFailed(zlibCode: Int32)
}
