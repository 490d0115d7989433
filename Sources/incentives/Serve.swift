import ArgumentParser
import Foundation
import Hummingbird
import IncentiveAPI
import Logging

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the API over HTTPS; creates data, keys and development certificates on first run.")

    @OptionGroup var options: ServerOptions

    func run() async throws {
        let configuration = try options.makeConfiguration()
        ServiceMetrics.bootstrap()
        let level = configuration.logLevel
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler = configuration.logsJSON ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let app = try await buildApplication(configuration: configuration) { port in
            // Unbuffered, so that scripts waiting for this line see it at once.
            let line = "incentives: serving \(configuration.resolvedPublicBaseURL(boundPort: port).absoluteString)\n"
            FileHandle.standardOutput.write(Data(line.utf8))
        }
        try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
    }
}
