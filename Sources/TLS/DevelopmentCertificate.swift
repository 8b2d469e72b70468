import COpenSSL

/// A self-signed certificate so `mingle` serves HTTPS with zero setup on a laptop or a LAN.
///
/// Browsers will warn (or need --ignore-certificate-errors); production uses a real chain. The pair is
/// reused across runs while it still covers the requested names for more than a day, so a browser
/// exception the user granted keeps working.
public enum DevelopmentCertificate {
    public static let certificateFileName = "development-certificate.pem"
    public static let keyFileName = "development-key.pem"
    public static let lifetime: Duration = .seconds(30 * 86_400)
    /// A certificate closer than this to its notAfter is replaced.
    public static let minimumRemainingValidity: Duration = .seconds(86_400)

    /// Returns the paths of a usable pair in `directory`, creating it (and the directory) when needed.
    /// `hostnames` may hold DNS names or IP addresses; localhost, 127.0.0.1 and ::1 are always included.
    public static func ensure(directory: String, hostnames: [String])
        throws(CertificateError) -> (certificatePath: String, keyPath: String, created: Bool) {
        let certificatePath = directory + "/" + certificateFileName
        let keyPath = directory + "/" + keyFileName
        var spec = CertificateSpec(commonName: hostnames.first ?? "localhost",
                                   dnsNames: CertificateSpec.loopbackDNSNames,
                                   ipAddresses: CertificateSpec.loopbackIPAddresses,
                                   role: .server, lifetime: lifetime)
        for name in hostnames {
            if isAddress(name) {
                if !spec.ipAddresses.contains(name) { spec.ipAddresses.append(name) }
            } else if !spec.dnsNames.contains(name) {
                spec.dnsNames.append(name)
            }
        }
        if isReusable(certificatePath: certificatePath, keyPath: keyPath, spec: spec) {
            return (certificatePath, keyPath, false)
        }
        try CertificateFiles.makeDirectory(directory)
        let key = try PrivateKey.generateP256()
        let certificate = try Certificate.issue(spec, for: key)
        try CertificateFiles.write(key, to: keyPath)
        try CertificateFiles.write([certificate], to: certificatePath)
        return (certificatePath, keyPath, true)
    }

    static func isReusable(certificatePath: String, keyPath: String, spec: CertificateSpec) -> Bool {
        guard case .readable = FileSystem.check(certificatePath), case .readable = FileSystem.check(keyPath),
              let certificate = try? Certificate.load(path: certificatePath),
              let key = try? PrivateKey.load(path: keyPath),
              certificate.matches(key),
              certificate.secondsUntilExpiry > Int(minimumRemainingValidity.components.seconds) else {
            return false
        }
        let coversNames = spec.dnsNames.allSatisfy { certificate.covers(host: $0) }
            && spec.ipAddresses.allSatisfy { certificate.covers(address: $0) }
        OpenSSLErrorQueue.clear()
        return coversNames
    }

    private static func isAddress(_ name: String) -> Bool {
        name.contains(":") || (!name.isEmpty && name.utf8.allSatisfy { $0 == UInt8(ascii: ".") || (48...57).contains($0) })
    }
}

extension Certificate {
    /// Whether a client would accept this certificate for `host` (SAN dNSName match, RFC 6125).
    public func covers(host: String) -> Bool {
        X509_check_host(x509, host, host.utf8.count, 0, nil) == 1
    }

    /// Whether the SAN iPAddress entries include `address` ("127.0.0.1", "::1").
    public func covers(address: String) -> Bool {
        X509_check_ip_asc(x509, address, 0) == 1
    }
}
