import ArgumentParser
import Foundation
import IncentiveAPI

struct PartnerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "partner", abstract: "Register and manage partners (OAuth clients).",
        subcommands: [Create.self, List.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register a partner; prints its client id and, once, its secret.")
        @OptionGroup var options: ServerOptions
        @Option(help: "The partner's name, shown on the consent page.") var name: String
        @Option(name: .customLong("redirect-uri"), help: "An exact redirect URI; repeat for several.") var redirectURIs: [String]
        @Option(name: .customLong("scope"), help: "Allowed scope; repeat for several.") var scopes: [String] = ["achievements:read"]
        @Option(name: .customLong("program"), help: "A program id the partner manages; repeat for several.") var programs: [String] = []

        func run() async throws {
            let services = try AppServices(configuration: try options.makeConfiguration())
            let (partner, secret) = try await services.partners.create(
                name: name, redirectURIs: redirectURIs, scopes: scopes, programIDs: programs,
                audit: services.commandLineChange("partner create", detail: ["name": name]))
            print("client_id=\(partner.clientId)")
            print("client_secret=\(secret)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List partners (never their secrets).")
        @OptionGroup var options: ServerOptions

        func run() async throws {
            let services = try AppServices(configuration: try options.makeConfiguration())
            for partner in try await services.partners.list() {
                print("\(partner.clientId)\t\(partner.disabled ? "disabled" : "enabled")\t\(partner.name)\t\(partner.redirectURIList.joined(separator: " "))")
            }
        }
    }
}

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Token signing keys.", subcommands: [Rotate.self])

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Publish a new signing key now; it signs after the JWKS cache lifetime (301 s).")
        @OptionGroup var options: ServerOptions

        func run() async throws {
            let configuration = try options.makeConfiguration()
            let entry = try SigningKeyRingRotation.rotate(dataDirectory: configuration.dataDirectory)
            print("published key \(entry.kid); it signs from \(entry.activatesAt.formatted(.iso8601))")
        }
    }
}
