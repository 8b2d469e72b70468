/// Why a `TLSContext` could not be built. Each case names the file and says what is wrong with it;
/// `openSSL` carries OpenSSL's error queue text for the log.
public enum TLSConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Role: String, Sendable {
        case certificateChain = "certificate chain"
        case privateKey = "private key"
    }

    case fileMissing(path: String, role: Role)
    case fileUnreadable(path: String, role: Role, openSSL: String)
    case notPEM(path: String, role: Role, openSSL: String)
    case keyDoesNotMatchCertificate(certificatePath: String, keyPath: String, openSSL: String)
    /// OpenSSL refused one of our own settings: a bug or a too-old OpenSSL, never the operator's file.
    case settingRejected(setting: String, openSSL: String)

    public var description: String {
        switch self {
        case let .fileMissing(path, role):
            return "\(role.rawValue) file \(path): no such file"
        case let .fileUnreadable(path, role, openSSL):
            return "\(role.rawValue) file \(path): cannot be read (\(openSSL))"
        case let .notPEM(path, role, openSSL):
            return "\(role.rawValue) file \(path): not a PEM \(role.rawValue) (\(openSSL))"
        case let .keyDoesNotMatchCertificate(certificatePath, keyPath, openSSL):
            return "private key file \(keyPath) does not match the certificate in \(certificatePath) (\(openSSL))"
        case let .settingRejected(setting, openSSL):
            return "OpenSSL rejected \(setting) (\(openSSL))"
        }
    }
}
