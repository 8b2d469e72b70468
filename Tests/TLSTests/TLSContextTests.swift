import Glibc
import MingleTestSupport
import Testing
import TLS

@Suite struct TLSContextTests {
    @Test func summaryNamesSubjectAndLoopbackNames() throws {
        let paths = try TestCertificates.make(directory: makeTemporaryDirectory())
        let context = try TLSContext(configuration: .init(certificateChainPath: paths.certPath,
                                                          privateKeyPath: paths.keyPath))
        #expect(context.certificateSummary.subject.contains("CN=localhost"))
        #expect(context.certificateSummary.subjectAlternativeNames.contains("DNS:localhost"))
        #expect(context.certificateSummary.subjectAlternativeNames.contains("IP Address:127.0.0.1"))
        #expect(context.certificateSummary.notAfter.hasSuffix("GMT"))
        #expect(context.warnings.isEmpty)
    }

    @Test func missingFilesAreNamed() throws {
        let paths = try TestCertificates.make(directory: makeTemporaryDirectory())
        let missing = "/nonexistent/mingle/chain.pem"
        #expect(throws: TLSConfigurationError.fileMissing(path: missing, role: .certificateChain)) {
            try TLSContext(configuration: .init(certificateChainPath: missing, privateKeyPath: paths.keyPath))
        }
        #expect(throws: TLSConfigurationError.fileMissing(path: missing, role: .privateKey)) {
            try TLSContext(configuration: .init(certificateChainPath: paths.certPath, privateKeyPath: missing))
        }
        let error = TLSConfigurationError.fileMissing(path: missing, role: .privateKey)
        #expect(error.description == "private key file /nonexistent/mingle/chain.pem: no such file")
    }

    @Test func unreadableKeyIsReported() throws {
        guard geteuid() != 0 else { return }  // root reads anything
        let paths = try TestCertificates.make(directory: makeTemporaryDirectory())
        chmod(paths.keyPath, 0)
        do {
            _ = try TLSContext(configuration: .init(certificateChainPath: paths.certPath, privateKeyPath: paths.keyPath))
            Issue.record("expected an error")
        } catch {
            guard case let .fileUnreadable(path, role, reason) = error else { Issue.record("got \(error)"); return }
            #expect(path == paths.keyPath && role == .privateKey && reason.contains("Permission denied"))
        }
    }

    @Test func fileThatIsNotPEMIsNamed() throws {
        let directory = makeTemporaryDirectory()
        let paths = try TestCertificates.make(directory: directory)
        let junk = directory + "/junk.pem"
        try CertificateFiles.write([], to: junk)
        do {
            _ = try TLSContext(configuration: .init(certificateChainPath: junk, privateKeyPath: paths.keyPath))
            Issue.record("expected an error")
        } catch {
            guard case let .notPEM(path, role, openSSL) = error else { Issue.record("got \(error)"); return }
            #expect(path == junk && role == .certificateChain)
            #expect(openSSL.contains("no start line"))
            #expect(error.description.contains(junk))
        }
        do {
            // A certificate where the key should be.
            _ = try TLSContext(configuration: .init(certificateChainPath: paths.certPath, privateKeyPath: paths.certPath))
            Issue.record("expected an error")
        } catch {
            guard case let .notPEM(path, role, _) = error else { Issue.record("got \(error)"); return }
            #expect(path == paths.certPath && role == .privateKey)
        }
    }

    @Test func mismatchedKeyIsNamed() throws {
        let first = try TestCertificates.make(directory: makeTemporaryDirectory())
        let second = try TestCertificates.make(directory: makeTemporaryDirectory())
        do {
            _ = try TLSContext(configuration: .init(certificateChainPath: first.certPath, privateKeyPath: second.keyPath))
            Issue.record("expected an error")
        } catch {
            guard case let .keyDoesNotMatchCertificate(certificatePath, keyPath, openSSL) = error else {
                Issue.record("got \(error)")
                return
            }
            #expect(certificatePath == first.certPath && keyPath == second.keyPath)
            #expect(openSSL.contains("key values mismatch"))
            #expect(error.description.contains("does not match"))
        }
    }

    @Test func expiredCertificateLoadsWithAWarning() throws {
        let paths = try TestCertificates.makeExpired(directory: makeTemporaryDirectory())
        let context = try TLSContext(configuration: .init(certificateChainPath: paths.certPath,
                                                          privateKeyPath: paths.keyPath))
        #expect(context.warnings.count == 1)
        #expect(context.warnings.first?.contains("expired") == true)
    }

    @Test func fullChainIsSent() throws {
        let directory = makeTemporaryDirectory()
        let paths = try TestCertificates.make(directory: directory)
        let chainPath = directory + "/chain.pem"
        try CertificateFiles.write([Certificate.load(path: paths.certPath), Certificate.load(path: paths.caPath)],
                                   to: chainPath)
        let context = try TLSContext(configuration: .init(certificateChainPath: chainPath, privateKeyPath: paths.keyPath))
        #expect(context.certificateSummary.subject.contains("CN=localhost"))
        let client = TestClient(caPath: paths.caPath)
        let server = context.makeSession()
        #expect(pump(client, server) == .complete)
        #expect(client.peerChainLength == 2)
    }

    @Test func contextOutlivedBySessions() throws {
        var context: TLSContext? = try makeServer().context
        let session = context!.makeSession()
        context = nil
        #expect(session.advanceHandshake() == .needsMoreInput)
        #expect(session.context.cachedSessionCount == 0)
    }
}
