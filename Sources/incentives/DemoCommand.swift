import ArgumentParser
import Foundation
import IncentiveAPI

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Seed the demo scenario and print the commands to try.")
    @OptionGroup var options: ServerOptions

    func run() async throws {
        var configuration = try options.makeConfiguration()
        if configuration.port == 0 { configuration.port = 8443 }
        let services = try AppServices(configuration: configuration)
        let baseURL = configuration.resolvedPublicBaseURL(boundPort: configuration.port).absoluteString
        let caPath = configuration.certificatesDirectory.appendingPathComponent("dev-ca.pem").path
        print(try await DemoSeed.run(services: services, baseURL: baseURL, caPath: caPath))
    }
}
