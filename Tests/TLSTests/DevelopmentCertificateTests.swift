import Glibc
import Testing
import TLS

@Suite struct DevelopmentCertificateTests {
    @Test func createsThenReuses() throws {
        let directory = makeTemporaryDirectory() + "/nested/certs"
        let first = try DevelopmentCertificate.ensure(directory: directory, hostnames: ["mingle.local", "192.168.1.20"])
        #expect(first.created)
        let certificate = try Certificate.load(path: first.certificatePath)
        #expect(certificate.covers(host: "localhost"))
        #expect(certificate.covers(host: "mingle.local"))
        #expect(!certificate.covers(host: "example.com"))
        #expect(certificate.covers(address: "127.0.0.1"))
        #expect(certificate.covers(address: "::1"))
        #expect(certificate.covers(address: "192.168.1.20"))
        #expect(certificate.subject.contains("CN=mingle.local"))
        let days = certificate.secondsUntilExpiry / 86_400
        #expect(days == 29 || days == 30)

        var status = stat()
        #expect(stat(first.keyPath, &status) == 0)
        #expect(status.st_mode & 0o777 == 0o600)

        let second = try DevelopmentCertificate.ensure(directory: directory, hostnames: ["mingle.local"])
        #expect(!second.created)
        #expect(second.certificatePath == first.certificatePath)
        #expect(try Certificate.load(path: second.certificatePath).pem == certificate.pem)

        // A new name the certificate does not cover forces a new one.
        let third = try DevelopmentCertificate.ensure(directory: directory, hostnames: ["other.local"])
        #expect(third.created)
        #expect(try Certificate.load(path: third.certificatePath).covers(host: "other.local"))
    }

    @Test func servesTLS() throws {
        let pair = try DevelopmentCertificate.ensure(directory: makeTemporaryDirectory(), hostnames: [])
        let context = try TLSContext(configuration: .init(certificateChainPath: pair.certificatePath,
                                                          privateKeyPath: pair.keyPath))
        #expect(context.warnings.isEmpty)
        // The client trusts the self-signed certificate itself, as a browser exception would.
        let client = TestClient(caPath: pair.certificatePath)
        #expect(pump(client, context.makeSession()) == .complete)
    }

    @Test func regeneratesWhenNearExpiryOrBroken() throws {
        let directory = makeTemporaryDirectory()
        let paths = (certificatePath: directory + "/" + DevelopmentCertificate.certificateFileName,
                     keyPath: directory + "/" + DevelopmentCertificate.keyFileName)
        let key = try PrivateKey.generateP256()
        let almostExpired = try Certificate.issue(
            CertificateSpec(commonName: "localhost", dnsNames: ["localhost"], ipAddresses: ["127.0.0.1", "::1"],
                            validFrom: .seconds(-29 * 86_400), lifetime: .seconds(29 * 86_400 + 3_600)),
            for: key)
        try CertificateFiles.write(key, to: paths.keyPath)
        try CertificateFiles.write([almostExpired], to: paths.certificatePath)
        #expect(try DevelopmentCertificate.ensure(directory: directory, hostnames: []).created)

        try CertificateFiles.write([], to: paths.certificatePath)  // empty file
        #expect(try DevelopmentCertificate.ensure(directory: directory, hostnames: []).created)

        let otherKey = try PrivateKey.generateP256()
        try CertificateFiles.write(otherKey, to: paths.keyPath)  // key no longer matches
        #expect(try DevelopmentCertificate.ensure(directory: directory, hostnames: []).created)
        #expect(!(try DevelopmentCertificate.ensure(directory: directory, hostnames: []).created))
    }

    @Test func refusesNamesThatWouldSpliceExtensions() throws {
        #expect(throws: CertificateError.self) {
            try DevelopmentCertificate.ensure(directory: makeTemporaryDirectory(), hostnames: ["evil,IP:10.0.0.1"])
        }
    }

    @Test func testCertificatesVerifyAgainstTheirCA() throws {
        let (context, caPath) = try makeServer()
        let client = TestClient(caPath: caPath)
        #expect(pump(client, context.makeSession()) == .complete)
        let leaf = try Certificate.load(path: caPath)
        #expect(leaf.subject.contains("Mingle Test CA"))
    }
}
