import ArgumentParser

@main
struct Incentives: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rewards for engagement, shared with partners only with each user's consent.",
        subcommands: [Serve.self, MigrateCommand.self, APIKeyCommand.self, JobsCommand.self, PartnerCommand.self, KeysCommand.self, AuditCommand.self, BackupCommand.self, DemoCommand.self],
        defaultSubcommand: Serve.self
    )
}
