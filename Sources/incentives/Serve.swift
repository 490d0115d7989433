import ArgumentParser
import Hummingbird
import IncentiveAPI

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the API over HTTPS; creates data, keys and development certificates on first run.")

    @OptionGroup var options: ServerOptions

    func run() async throws {
        let configuration = try options.makeConfiguration()
        let app = try await buildApplication(configuration: configuration) { port in
            print("incentives: serving \(configuration.resolvedPublicBaseURL(boundPort: port).absoluteString)")
        }
        try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
    }
}
