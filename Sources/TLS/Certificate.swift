import COpenSSL

/// An owned X.509 certificate: read from PEM, issued by `Certificate.issue`, or borrowed from a context.
public final class Certificate {
    let x509: OpaquePointer

    init(owning x509: OpaquePointer) { self.x509 = x509 }

    /// Takes its own reference, so the certificate outlives the `SSL_CTX` it came from.
    init(retaining x509: OpaquePointer) {
        X509_up_ref(x509)
        self.x509 = x509
    }

    deinit { X509_free(x509) }

    /// Reads the first certificate of a PEM file (the leaf, in a chain file).
    public static func load(path: String) throws(CertificateError) -> Certificate {
        OpenSSLErrorQueue.clear()
        guard let file = BIO_new_file(path, "r") else {
            throw CertificateError("\(path): cannot open (\(OpenSSLErrorQueue.drainText()))")
        }
        defer { BIO_free(file) }
        guard let x509 = PEM_read_bio_X509(file, nil, nil, nil) else {
            throw CertificateError("\(path): not a PEM certificate (\(OpenSSLErrorQueue.drainText()))")
        }
        return Certificate(owning: x509)
    }

    public var pem: String {
        let out = MemoryBIO()
        guard PEM_write_bio_X509(out.bio, x509) == 1 else {
            fatalError("PEM_write_bio_X509 failed: \(OpenSSLErrorQueue.drainText())")
        }
        return out.takeString()
    }

    /// RFC 2253 form, e.g. "CN=localhost,O=Mingle".
    public var subject: String {
        let out = MemoryBIO()
        X509_NAME_print_ex(out.bio, X509_get_subject_name(x509), 0, mingle_name_flags_rfc2253())
        return out.takeString()
    }

    /// As OpenSSL prints them: "DNS:localhost", "IP Address:127.0.0.1", "IP Address:0:0:0:0:0:0:0:1".
    public var subjectAlternativeNames: [String] {
        let index = X509_get_ext_by_NID(x509, NID_subject_alt_name, -1)
        guard index >= 0, let extensionEntry = X509_get_ext(x509, index) else { return [] }
        let out = MemoryBIO()
        guard X509V3_EXT_print(out.bio, extensionEntry, 0, 0) == 1 else {
            OpenSSLErrorQueue.clear()
            return []
        }
        return out.takeString().split(separator: ",").map { String($0.drop { $0 == " " }) }
    }

    /// For logs, e.g. "Dec 30 08:17:11 2026 GMT".
    public var notAfter: String {
        let out = MemoryBIO()
        ASN1_TIME_print(out.bio, X509_get0_notAfter(x509))
        return out.takeString()
    }

    /// Seconds from now until notAfter; negative once expired.
    public var secondsUntilExpiry: Int {
        secondsFromNow(to: X509_get0_notAfter(x509))
    }

    /// Seconds from now until notBefore; positive while not yet valid.
    public var secondsUntilValid: Int {
        secondsFromNow(to: X509_get0_notBefore(x509))
    }

    /// Whether `key` is the private half of this certificate's public key.
    public func matches(_ key: PrivateKey) -> Bool {
        let matched = X509_check_private_key(x509, key.key) == 1
        OpenSSLErrorQueue.clear()
        return matched
    }

    public var summary: CertificateSummary {
        CertificateSummary(subject: subject, subjectAlternativeNames: subjectAlternativeNames, notAfter: notAfter)
    }

    private func secondsFromNow(to time: UnsafePointer<ASN1_TIME>?) -> Int {
        var days: Int32 = 0
        var seconds: Int32 = 0
        guard let time, ASN1_TIME_diff(&days, &seconds, nil, time) == 1 else { return Int.min }
        return Int(days) * 86_400 + Int(seconds)
    }
}

/// What to log about the certificate a listener serves.
public struct CertificateSummary: Sendable, Equatable, CustomStringConvertible {
    public var subject: String
    public var subjectAlternativeNames: [String]
    public var notAfter: String

    public var description: String {
        "subject \(subject), names [\(subjectAlternativeNames.joined(separator: ", "))], valid until \(notAfter)"
    }
}
