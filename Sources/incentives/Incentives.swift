import ArgumentParser

@main
struct Incentives: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rewards for engagement, shared with partners only with each user's consent.",
        subcommands: [Serve.self],
        defaultSubcommand: Serve.self
    )
}
