import Foundation

// Two builds of one harness. `scripts/fuzz.sh` builds it with libFuzzer's coverage
// instrumentation, AddressSanitizer and `-DPARSER_FUZZ_LIBFUZZER`: main then hands over to
// libFuzzer's driver, which calls `fuzzOneInput` with the target named by `PARSER_FUZZ_TARGET`.
// A plain `swift build` replays corpus files instead (`swift run parser-fuzz Fuzz/corpus`), so
// the harness always compiles.

/// The target chosen once per process; libFuzzer runs one target per process.
let selectedTarget: FuzzTarget? = ProcessInfo.processInfo.environment["PARSER_FUZZ_TARGET"].flatMap(FuzzTarget.init(rawValue:))

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let target = selectedTarget else {
        fatalError("set PARSER_FUZZ_TARGET to one of: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    target.run(bytes)
    return 0
}

#if PARSER_FUZZ_LIBFUZZER
/// libFuzzer's entry point when its own `main` is not linked (libclang_rt.fuzzer_no_main):
/// SwiftPM names every executable's entry point itself, so libFuzzer's `main` cannot be used.
@_silgen_name("LLVMFuzzerRunDriver")
func runLibFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

@main
struct ParserFuzz {
    static func main() {
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(runLibFuzzerDriver(&argc, &argv, { data, size in fuzzOneInput(data, size) }))
    }
}
#else
/// Replays files or folders; a file's target is its folder's name (`Fuzz/corpus/<target>/<file>`).
@main
struct ParserFuzz {
    static func main() throws {
        let paths = CommandLine.arguments.dropFirst()
        guard !paths.isEmpty else {
            print("usage: parser-fuzz CORPUS_FOLDER_OR_FILE...  (targets: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: " ")))")
            return
        }
        var count = 0
        for path in paths {
            for file in try files(at: URL(fileURLWithPath: path)) {
                guard let target = selectedTarget ?? FuzzTarget(rawValue: file.deletingLastPathComponent().lastPathComponent) else {
                    continue
                }
                target.run(Array(try Data(contentsOf: file)))
                count += 1
            }
        }
        print("replayed \(count) inputs, no crash")
    }

    static func files(at url: URL) throws -> [URL] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else { return [] }
        guard isFolder.boolValue else { return [url] }
        let children = try FileManager.default.contentsOfDirectory(at: url, includingPropertiesForKeys: nil)
        return try children.sorted { $0.path < $1.path }.flatMap(files(at:))
    }
}
#endif
