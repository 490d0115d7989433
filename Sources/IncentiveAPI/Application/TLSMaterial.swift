import Foundation
import OpenSSLTLS

/// The certificate and key the server presents: the configured ones, or development certificates
/// made (or renewed) under `certificatesDirectory`.
enum TLSMaterial {
    static func serverContext(for configuration: AppConfiguration) throws -> TLSServerContext {
        if configuration.usesDevelopmentCertificate {
            let certificates = DevelopmentCertificates(directory: configuration.certificatesDirectory)
            try certificates.ensure()
            return try TLSServerContext(
                certificateChainPath: certificates.serverCertificate.path,
                privateKeyPath: certificates.serverKey.path)
        }
        guard let certificatePath = configuration.certificatePath, let privateKeyPath = configuration.privateKeyPath else {
            throw ConfigurationError("--cert and --key must be given together")
        }
        return try TLSServerContext(certificateChainPath: certificatePath, privateKeyPath: privateKeyPath)
    }
}

public struct ConfigurationError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
