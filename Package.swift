// swift-tools-version:6.2
import PackageDescription

// Our own code builds in Swift 6 mode with every warning an error (DESIGN.md, issue 2).
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .treatAllWarnings(as: .error),
]

let package = Package(
    name: "crier",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "crier", targets: ["crier"]),
        .executable(name: "crier-bench", targets: ["crier-bench"]),
        .library(name: "CrierPluginKit", targets: ["CrierPluginKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-kit.git", from: "2.17.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        // Pure domain: no I/O, no SQL, no HTTP.
        .target(name: "CrierCore", swiftSettings: strict),
        // What a plugin may see. Re-exports CrierCore.
        .target(
            name: "CrierPluginKit",
            dependencies: [
                "CrierCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "CrierStore",
            dependencies: [
                "CrierCore",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // The default SMS templates and the web form's pages, as a resource bundle (Templates/sms, Templates/web).
        .target(name: "CrierTemplates", path: "Templates", exclude: ["README.md"], resources: [.copy("sms"), .copy("web")], swiftSettings: strict),
        .target(
            name: "CrierServer",
            dependencies: [
                "CrierCore",
                "CrierPluginKit",
                "CrierStore",
                "CrierTemplates",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // SMS providers: one folder each, depending only on CrierPluginKit (DESIGN.md section 2).
        .target(
            name: "Twilio",
            dependencies: [
                "CrierPluginKit",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Plugins/Twilio/Sources",
            swiftSettings: strict
        ),
        .target(
            name: "Vonage",
            dependencies: [
                "CrierPluginKit",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Plugins/Vonage/Sources",
            swiftSettings: strict
        ),
        .target(
            name: "Telnyx",
            dependencies: [
                "CrierPluginKit",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Plugins/Telnyx/Sources",
            swiftSettings: strict
        ),
        // CRM modules: one folder each, depending only on CrierPluginKit.
        .target(
            name: "Contacts", dependencies: ["CrierPluginKit"], path: "Plugins/Contacts/Sources", resources: [.copy("Templates")],
            swiftSettings: strict),
        .target(
            name: "Timeline", dependencies: ["CrierPluginKit"], path: "Plugins/Timeline/Sources", resources: [.copy("Templates")],
            swiftSettings: strict),
        .target(
            name: "Exports", dependencies: ["CrierPluginKit"], path: "Plugins/Exports/Sources", resources: [.copy("Templates")],
            swiftSettings: strict),
        // The plugins built into the binary, shared by `crier` and `crier-bench`.
        .target(
            name: "CrierBuiltIns",
            dependencies: ["CrierPluginKit", "Twilio", "Vonage", "Telnyx", "Contacts", "Timeline", "Exports"],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "crier",
            dependencies: [
                "CrierServer",
                "CrierBuiltIns",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict,
            plugins: ["BuildRevision"]
        ),
        // Writes the git revision into `crier --version` before each build.
        .plugin(name: "BuildRevision", capability: .buildTool(), path: "BuildPlugins/BuildRevision"),
        .executableTarget(
            name: "crier-bench",
            dependencies: [
                "CrierStore",
                "CrierServer",
                "CrierBuiltIns",
                "Twilio",
                "Contacts",
                "Exports",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                "FakeTwilio",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "CrierCoreTests",
            dependencies: ["CrierCore"],
            resources: [.copy("Fixtures")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "CrierPluginKitTests",
            dependencies: ["CrierPluginKit"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "CrierStoreTests",
            dependencies: ["CrierStore", "CrierTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TelnyxTests",
            dependencies: ["Telnyx", "LoopbackServer", .product(name: "Hummingbird", package: "hummingbird")],
            path: "Plugins/Telnyx/Tests",
            resources: [.copy("Vectors")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "VonageTests",
            dependencies: ["Vonage", "LoopbackServer", .product(name: "Hummingbird", package: "hummingbird")],
            path: "Plugins/Vonage/Tests",
            resources: [.copy("Vectors")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ContactsTests", dependencies: ["Contacts"], path: "Plugins/Contacts/Tests", swiftSettings: strict),
        .testTarget(
            name: "TimelineTests", dependencies: ["Timeline"], path: "Plugins/Timeline/Tests", swiftSettings: strict),
        .testTarget(
            name: "ExportsTests", dependencies: ["Exports"], path: "Plugins/Exports/Tests", swiftSettings: strict),
        .testTarget(
            name: "TwilioTests",
            dependencies: ["Twilio", "FakeTwilio"],
            path: "Plugins/Twilio/Tests",
            resources: [.copy("Recorded"), .copy("Vectors")],
            swiftSettings: strict
        ),
        // A real HTTP server on loopback speaking Twilio's Messages API, failing on demand.
        .target(
            name: "FakeTwilio",
            dependencies: ["CrierPluginKit", "LoopbackServer", .product(name: "Hummingbird", package: "hummingbird")],
            path: "Tests/FakeTwilio",
            swiftSettings: strict
        ),
        .testTarget(
            name: "CrierServerTests",
            dependencies: [
                "CrierServer",
                "CrierTestSupport",
                "Twilio",
                "Vonage",
                "Telnyx",
                "Contacts",
                "Timeline",
                "Exports",
                "FakeTwilio",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: strict
        ),
        // A real HTTP server on loopback for the stand-in provider APIs.
        .target(
            name: "LoopbackServer",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/LoopbackServer",
            swiftSettings: strict
        ),
        // Shared test scaffolding: a fresh database per test on each engine.
        .target(
            name: "CrierTestSupport",
            dependencies: ["CrierStore"],
            path: "Tests/CrierTestSupport",
            swiftSettings: strict
        ),
    ]
)
