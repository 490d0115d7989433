import ArgumentParser
import Foundation
import IncentiveAPI
import IncentiveStore

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Verify and export the tamper-evident audit log.", subcommands: [Verify.self, Export.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check every row's MAC; names the first bad row. Exit 1 when the chain is broken or truncated.")
        @OptionGroup var options: ServerOptions
        @Option(help: "The head MAC the service last reported (its log, /metrics): detects rows cut off the end.")
        var expectHead: String?

        /// Read-only: a verifier must not change what it checks, so it migrates nothing and makes no
        /// store or key (a fresh audit key would only prove that nothing verifies under it).
        func run() async throws {
            let configuration = try options.makeConfiguration()
            let database = try IncentiveDatabase.openReadOnly(directory: configuration.dataDirectory)
            let chain = AuditChain(database: database, key: try AppServices.auditKey(configuration: configuration, creating: false))
            switch try await chain.verify(expectHead: expectHead) {
            case .intact(let rows, let head):
                print("audit log intact: \(rows) rows, head \(head)")
            case .broken(let seq, let reason):
                print("audit log BROKEN at row \(seq): \(reason)")
                throw ExitCode(1)
            case .truncated(let head, let expected):
                print("audit log TRUNCATED: head is \(head), expected \(expected)")
                throw ExitCode(1)
            }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print every row as a JSON line, oldest first.")
        @OptionGroup var options: ServerOptions

        func run() async throws {
            let services = try AppServices(configuration: try options.makeConfiguration())
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            encoder.dateEncodingStrategy = .iso8601
            var after: Int64 = 0
            while true {
                let rows = try await services.audit.rows(after: after)
                for row in rows { print(String(decoding: try encoder.encode(row), as: UTF8.self)) }
                guard let last = rows.last?.seq, rows.count == 1000 else { return }
                after = last
            }
        }
    }
}
