import ArgumentParser
import IncentiveAPI

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Create or upgrade the database (serve also does this on start).")
    @OptionGroup var options: ServerOptions

    func run() async throws {
        let services = try AppServices(configuration: try options.makeConfiguration())
        print("migrations applied: \(try services.database.appliedMigrations().joined(separator: ", "))")
    }
}
