import Foundation
import PackagePlugin

/// Copies the top-level `openapi.yaml` into the target's resources at build time, so that
/// `GET /openapi.yaml` serves exactly the file partners read, with no second copy in git.
@main
struct BundleOpenAPIDocument: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let document = context.package.directoryURL.appending(path: "openapi.yaml")
        let bundled = context.pluginWorkDirectoryURL.appending(path: "openapi.yaml")
        return [.buildCommand(
            displayName: "Bundling openapi.yaml",
            executable: URL(fileURLWithPath: "/bin/cp"),
            arguments: [document.path, bundled.path],
            inputFiles: [document],
            outputFiles: [bundled])]
    }
}
