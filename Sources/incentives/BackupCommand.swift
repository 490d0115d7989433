import ArgumentParser
import Foundation
import IncentiveStore

struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Write an online, consistent copy of the database to FILE (the server may keep running).",
        discussion: """
            Restore by stopping the server and copying FILE to <data-dir>/incentives.sqlite (remove any \
            -wal and -shm files beside it). The keys in the data folder are not in the copy: back them up \
            separately and keep them apart from it.
            """)

    @Argument(help: "The new backup file; must not exist yet.") var file: String
    @OptionGroup var options: ServerOptions

    func run() async throws {
        let configuration = try options.makeConfiguration()
        let database = try IncentiveDatabase(directory: configuration.dataDirectory)
        let destination = URL(fileURLWithPath: file)
        try database.backup(to: destination)
        print("backup written to \(destination.path) (integrity_check ok)")
    }
}
