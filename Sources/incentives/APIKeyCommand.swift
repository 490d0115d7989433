import ArgumentParser
import Foundation
import IncentiveAPI
import IncentiveStore

struct APIKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apikey", abstract: "Create, list and revoke API keys.",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a key and print it once, alone on its line.")
        @OptionGroup var options: ServerOptions
        @Option(name: .customLong("scope"), help: "admin, events:write, audit:read or metrics:read; repeat for several.")
        var scopes: [String]
        @Option(help: "A name to recognise the key by.")
        var name = "api key"

        func run() async throws {
            let parsed = try scopes.map { text in
                guard let scope = APIScope(rawValue: text) else {
                    throw ValidationError("unknown scope \(text); use \(APIScope.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return scope
            }
            let services = try AppServices(configuration: try options.makeConfiguration())
            let (_, plaintext) = try await services.apiKeys.create(
                name: name, scopes: Set(parsed), audit: services.commandLineChange("apikey create", detail: ["name": name]))
            print(plaintext)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys (never their secrets).")
        @OptionGroup var options: ServerOptions

        func run() async throws {
            let services = try AppServices(configuration: try options.makeConfiguration())
            for key in try await services.apiKeys.list() {
                let state = key.revokedAt.map { "revoked \($0.formatted(.iso8601))" } ?? "active"
                print("\(key.id)\t\(key.scopes)\t\(state)\t\(key.name)")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key at once.")
        @OptionGroup var options: ServerOptions
        @Argument(help: "The key's id, as `apikey list` shows it.")
        var id: String

        func run() async throws {
            let services = try AppServices(configuration: try options.makeConfiguration())
            guard try await services.apiKeys.revoke(id: id, audit: services.commandLineChange("apikey revoke", detail: ["api_key": id])) else {
                throw ValidationError("no key \(id)")
            }
            print("revoked \(id)")
        }
    }
}
