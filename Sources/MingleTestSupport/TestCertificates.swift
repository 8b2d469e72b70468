import TLS

/// Certificates made at test time, so none that can expire is committed to the repository.
public enum TestCertificates {
    public typealias Paths = (caPath: String, certPath: String, keyPath: String)

    /// A test CA and a CA-signed ECDSA P-256 server certificate for localhost, 127.0.0.1 and ::1, valid
    /// for 30 days from five minutes ago. Clients trust `caPath`; the server loads `certPath` (leaf only) and `keyPath`.
    public static func make(directory: String) throws -> Paths {
        try write(directory: directory, prefix: "test", leafValidFrom: .seconds(-300),
                  leafLifetime: .seconds(30 * 86_400))
    }

    /// The same, with a leaf that expired yesterday (notBefore 31 days ago, notAfter 1 day ago).
    public static func makeExpired(directory: String) throws -> Paths {
        try write(directory: directory, prefix: "expired", leafValidFrom: .seconds(-31 * 86_400),
                  leafLifetime: .seconds(30 * 86_400))
    }

    private static func write(directory: String, prefix: String, leafValidFrom: Duration, leafLifetime: Duration)
        throws -> Paths {
        try CertificateFiles.makeDirectory(directory)
        let authorityKey = try PrivateKey.generateP256()
        let authority = try Certificate.issue(
            CertificateSpec(commonName: "Mingle Test CA", role: .authority, validFrom: .seconds(-31 * 86_400),
                            lifetime: .seconds(62 * 86_400)),
            for: authorityKey)
        let leafKey = try PrivateKey.generateP256()
        let leaf = try Certificate.issue(
            CertificateSpec(commonName: "localhost", dnsNames: CertificateSpec.loopbackDNSNames,
                            ipAddresses: CertificateSpec.loopbackIPAddresses, role: .server,
                            validFrom: leafValidFrom, lifetime: leafLifetime),
            for: leafKey, issuer: (authority, authorityKey))
        let paths: Paths = (directory + "/\(prefix)-ca.pem", directory + "/\(prefix)-cert.pem",
                            directory + "/\(prefix)-key.pem")
        try CertificateFiles.write([authority], to: paths.caPath)
        try CertificateFiles.write([leaf], to: paths.certPath)
        try CertificateFiles.write(leafKey, to: paths.keyPath)
        return paths
    }
}
