import ArgumentParser
import Foundation
import IncentiveAPI

struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs", abstract: "Inspect and retry evaluation jobs.", subcommands: [List.self, Retry.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List queued and dead jobs.")
        @OptionGroup var options: ServerOptions
        @Option(help: "Only jobs in this state: queued or dead.")
        var state: String?

        func run() async throws {
            let services = try AppServices(configuration: try options.makeConfiguration())
            for job in try await services.jobs.list(state: state) {
                print("\(job.id ?? 0)\t\(job.state)\tattempts=\(job.attempts)\tevent=\(job.eventSeq)\t\(job.lastError ?? "")")
            }
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Put a job back in the queue.")
        @OptionGroup var options: ServerOptions
        @Argument var id: Int64

        func run() async throws {
            let services = try AppServices(configuration: try options.makeConfiguration())
            guard try await services.jobs.retry(id: id) else { throw ValidationError("no job \(id)") }
            print("queued job \(id)")
        }
    }
}
