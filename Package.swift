// swift-tools-version:6.2
import PackageDescription

/// The project's own code builds without a warning. (The generated API target is left out: the
/// generator's output has unused-import warnings that are not ours to fix.)
let strict: [SwiftSetting] = [.treatAllWarnings(as: .error)]

let package = Package(
    name: "incentives",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "incentives", targets: ["incentives"])
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-openapi-generator.git", from: "1.14.3"),
        .package(url: "https://github.com/apple/swift-openapi-runtime.git", from: "1.13.4"),
        .package(url: "https://github.com/hummingbird-project/swift-openapi-hummingbird.git", from: "2.1.0"),
        // Test-only independent TLS peer (BoringSSL); never linked into the server binary.
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        // Test-only independent JWT verifier (swift-crypto/BoringSSL); never linked into the server.
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        // Test-only: property-based tests of the parsers that take outside input.
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
    ],
    targets: [
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        // PostgreSQL through the system libpq (no BoringSSL), its blocking calls on a thread pool of its own.
        .target(
            name: "PostgresClient",
            dependencies: ["CLibPQ", .product(name: "NIOPosix", package: "swift-nio")],
            swiftSettings: strict
        ),
        .target(
            name: "OpenSSLCrypto",
            dependencies: ["COpenSSL"],
            swiftSettings: strict
        ),
        .target(name: "IncentiveEngine", swiftSettings: strict),
        .target(name: "JOSE", dependencies: ["OpenSSLCrypto"], swiftSettings: strict),
        .target(
            name: "PartnerAuth",
            dependencies: [
                "IncentiveStore",
                "JOSE",
                "OpenSSLCrypto",
                .product(name: "GRDB", package: "GRDB.swift"),
                // PBKDF2 runs on a thread pool of its own (PasswordHasher).
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                // The feed page reads its rows straight from SQLite's buffers (PartnerFeedColumns).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "IncentiveStore",
            dependencies: [
                "IncentiveEngine",
                "OpenSSLCrypto",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            // The schema snapshots SchemaSnapshotTests compares stores with (scripts/schema-snapshot.sh).
            exclude: ["Migrations/schema.sql", "Migrations/schema-history.sql"],
            swiftSettings: strict
        ),
        .target(
            name: "OpenSSLTLS",
            dependencies: [
                "COpenSSL",
                "OpenSSLCrypto",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "IncentiveAPIGenerated",
            dependencies: [.product(name: "OpenAPIRuntime", package: "swift-openapi-runtime")],
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),
        .target(
            name: "IncentiveAPI",
            dependencies: [
                "OpenSSLCrypto",
                "OpenSSLTLS",
                "IncentiveAPIGenerated",
                "IncentiveEngine",
                "IncentiveStore",
                "PartnerAuth",
                "JOSE",
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict,
            plugins: ["BundleOpenAPIDocument"]
        ),
        .plugin(name: "BundleOpenAPIDocument", capability: .buildTool()),
        .executableTarget(
            name: "incentives",
            dependencies: [
                "IncentiveAPI",
                "IncentiveEngine",
                "IncentiveStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "evaluation-bench",
            dependencies: ["IncentiveStore", "IncentiveEngine", .product(name: "GRDB", package: "GRDB.swift")],
            path: "Benchmarks/EvaluationBench",
            swiftSettings: strict
        ),
        // Coverage-guided fuzzing of the parsers: scripts/fuzz.sh builds it with libFuzzer; a plain
        // build replays the committed corpus (`swift run parser-fuzz Fuzz/corpus`).
        .executableTarget(
            name: "parser-fuzz",
            dependencies: ["IncentiveAPI", "IncentiveAPIGenerated", "IncentiveEngine", "JOSE", "OpenSSLCrypto", "PartnerAuth"],
            path: "Fuzz/ParserFuzz",
            swiftSettings: strict
        ),
        .testTarget(
            name: "PartnerAuthTests",
            dependencies: ["PartnerAuth", "IncentiveStore", "IncentiveEngine", "JOSE", "OpenSSLCrypto"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "JOSETests",
            dependencies: ["JOSE", "OpenSSLCrypto", .product(name: "JWTKit", package: "jwt-kit")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "IncentiveEngineTests",
            dependencies: ["IncentiveEngine"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "IncentiveStoreTests",
            dependencies: ["IncentiveStore", "IncentiveEngine", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict
        ),
        // Runs against a real server when INCENTIVES_TEST_POSTGRES_URL is set (scripts/postgres-test-server.sh).
        .testTarget(
            name: "PostgresClientTests",
            dependencies: ["PostgresClient"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "OpenSSLCryptoTests",
            dependencies: ["OpenSSLCrypto"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "OpenSSLTLSTests",
            dependencies: [
                "OpenSSLTLS",
                "COpenSSL",  // a plain OpenSSL client for the session-ticket rotation tests
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "IncentiveAPITests",
            dependencies: [
                "IncentiveAPI",
                "OpenSSLTLS",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ParserPropertyTests",
            dependencies: [
                "IncentiveAPI",
                "IncentiveAPIGenerated",
                "IncentiveStore",
                "PartnerAuth",
                "JOSE",
                "OpenSSLCrypto",
                .product(name: "PropertyBased", package: "swift-property-based"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
            ],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)
