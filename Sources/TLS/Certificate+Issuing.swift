import COpenSSL

/// What to put in a certificate made in-process (development and test certificates only).
public struct CertificateSpec: Sendable, Equatable {
    public enum Role: Sendable, Equatable {
        /// `CA:TRUE`, keyCertSign + cRLSign: a test root that signs server certificates.
        case authority
        /// `CA:FALSE`, digitalSignature, extended key usage serverAuth.
        case server
    }

    public var commonName: String
    public var dnsNames: [String]
    /// Textual IPv4 or IPv6 addresses, e.g. "127.0.0.1", "::1".
    public var ipAddresses: [String]
    public var role: Role
    /// notBefore relative to now; negative to backdate (an expired test certificate).
    public var validFrom: Duration
    /// notAfter relative to notBefore.
    public var lifetime: Duration

    public init(commonName: String, dnsNames: [String] = [], ipAddresses: [String] = [], role: Role = .server,
                validFrom: Duration = .seconds(-300), lifetime: Duration = .seconds(30 * 86_400)) {
        self.commonName = commonName
        self.dnsNames = dnsNames
        self.ipAddresses = ipAddresses
        self.role = role
        self.validFrom = validFrom
        self.lifetime = lifetime
    }

    /// The loopback names every local certificate carries.
    public static let loopbackDNSNames = ["localhost"]
    public static let loopbackIPAddresses = ["127.0.0.1", "::1"]
}

extension Certificate {
    /// Makes a certificate for `key`, signed by `issuer` or self-signed when `issuer` is nil.
    public static func issue(_ spec: CertificateSpec, for key: PrivateKey,
                             issuer: (certificate: Certificate, key: PrivateKey)? = nil)
        throws(CertificateError) -> Certificate {
        OpenSSLErrorQueue.clear()
        guard let x509 = X509_new() else { throw CertificateError("X509_new failed") }
        let certificate = Certificate(owning: x509)
        let issuerX509 = issuer?.certificate.x509 ?? x509
        let signingKey = issuer?.key.key ?? key.key

        var ok = X509_set_version(x509, Int(X509_VERSION_3)) == 1
        ok = ok && setRandomSerial(x509)
        let notBefore = Int(spec.validFrom.components.seconds)
        ok = ok && X509_gmtime_adj(X509_getm_notBefore(x509), notBefore) != nil
        ok = ok && X509_gmtime_adj(X509_getm_notAfter(x509), notBefore + Int(spec.lifetime.components.seconds)) != nil
        let subject = X509_get_subject_name(x509)
        ok = ok && X509_NAME_add_entry_by_txt(subject, "O", MBSTRING_UTF8, "Mingle", -1, -1, 0) == 1
        ok = ok && X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8, spec.commonName, -1, -1, 0) == 1
        ok = ok && X509_set_issuer_name(x509, X509_get_subject_name(issuerX509)) == 1
        ok = ok && X509_set_pubkey(x509, key.key) == 1
        guard ok else { throw CertificateError("cannot fill certificate fields (\(OpenSSLErrorQueue.drainText()))") }

        for (nid, value) in try extensions(for: spec) {
            var context = X509V3_CTX()
            X509V3_set_ctx(&context, issuerX509, x509, nil, nil, 0)
            guard let entry = X509V3_EXT_conf_nid(nil, &context, nid, value) else {
                throw CertificateError("bad extension \(value) (\(OpenSSLErrorQueue.drainText()))")
            }
            defer { X509_EXTENSION_free(entry) }
            guard X509_add_ext(x509, entry, -1) == 1 else {
                throw CertificateError("cannot add extension \(value) (\(OpenSSLErrorQueue.drainText()))")
            }
        }
        guard X509_sign(x509, signingKey, EVP_sha256()) > 0 else {
            throw CertificateError("cannot sign certificate (\(OpenSSLErrorQueue.drainText()))")
        }
        return certificate
    }

    /// Extensions in dependency order: the subject key identifier must exist before a self-signed
    /// certificate's authority key identifier can refer to it.
    private static func extensions(for spec: CertificateSpec) throws(CertificateError) -> [(Int32, String)] {
        var result: [(Int32, String)] = [(NID_subject_key_identifier, "hash"),
                                         (NID_authority_key_identifier, "keyid:always")]
        switch spec.role {
        case .authority:
            result.append((NID_basic_constraints, "critical,CA:TRUE,pathlen:0"))
            result.append((NID_key_usage, "critical,keyCertSign,cRLSign"))
        case .server:
            result.append((NID_basic_constraints, "critical,CA:FALSE"))
            result.append((NID_key_usage, "critical,digitalSignature"))
            result.append((NID_ext_key_usage, "serverAuth"))
        }
        var names: [String] = []
        for name in spec.dnsNames {
            // A comma or colon would splice extra entries into OpenSSL's "DNS:a,IP:b" syntax.
            guard !name.isEmpty, name.utf8.allSatisfy(isHostnameByte) else {
                throw CertificateError("not a DNS name: \(name)")
            }
            names.append("DNS:\(name)")
        }
        for address in spec.ipAddresses {
            guard !address.isEmpty, address.utf8.allSatisfy(isAddressByte) else {
                throw CertificateError("not an IP address: \(address)")
            }
            names.append("IP:\(address)")
        }
        if !names.isEmpty { result.append((NID_subject_alt_name, names.joined(separator: ","))) }
        return result
    }

    private static func setRandomSerial(_ x509: OpaquePointer) -> Bool {
        guard let serial = BN_new() else { return false }
        defer { BN_free(serial) }
        // 127 random bits keeps the DER INTEGER positive and within RFC 5280's 20 octets.
        return BN_rand(serial, 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) == 1
            && BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(x509)) != nil
    }

    private static func isHostnameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "*"):
            return true
        default:
            return false
        }
    }

    private static func isAddressByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"),
             UInt8(ascii: "A")...UInt8(ascii: "F"), UInt8(ascii: "."), UInt8(ascii: ":"):
            return true
        default:
            return false
        }
    }
}
