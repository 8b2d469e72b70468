/// Writing certificates and keys as PEM files, shared by development and test certificates.
public enum CertificateFiles {
    /// Writes `certificates` in order (leaf first for a chain file), world-readable (0644).
    public static func write(_ certificates: [Certificate], to path: String) throws(CertificateError) {
        try FileSystem.writeAtomically(path, contents: certificates.map(\.pem).joined(), mode: 0o644)
    }

    /// Writes an unencrypted PKCS#8 key readable by the owner only (0600).
    public static func write(_ key: PrivateKey, to path: String) throws(CertificateError) {
        try FileSystem.writeAtomically(path, contents: key.pem, mode: 0o600)
    }

    /// `mkdir -p` with mode 0700 for created directories.
    public static func makeDirectory(_ path: String) throws(CertificateError) {
        try FileSystem.makeDirectories(path)
    }
}
