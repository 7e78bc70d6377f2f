// swift-tools-version:6.1
import PackageDescription

/// Release builds optimise across the stage targets as if they were one
/// module: the plan's hot path runs through Input, Plan and Model
/// (measured with scripts/bench-plan; see ARCHITECTURE.md).
var optimizedAcrossStages: [SwiftSetting] { [.unsafeFlags(["-cross-module-optimization"], .when(configuration: .release))] + everyTarget }

/// Every target: a file names each module whose members it uses, so an
/// import reads as what the file needs (and an unused one stands out).
var everyTarget: [SwiftSetting] { [.enableUpcomingFeature("MemberImportVisibility")] }

/// Every stage of the pipeline, for what stands on all of them: the
/// executable and the test targets.
let everyStage: [Target.Dependency] = [
    "ReferralModel", "ReferralInput", "ReferralPlan", "ReferralOutcome", "ReferralSend", "ReferralReport", "ReferralJournal", "ReferralRun",
]

let package = Package(
    name: "referral-bulk",
    platforms: [.macOS(.v14)],
    // No library products: nothing outside this package builds on the
    // stages, so what crosses a target is `package` and the rest internal
    // (ARCHITECTURE.md, "Rules").
    products: [
        .executable(name: "referral-bulk", targets: ["referral-bulk"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        // Already in the graph through Hummingbird; named so the sandbox may import them, and Send its UnixSignals.
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        // Already in the graph through AsyncHTTPClient; named so the client can map their errors to fixed names.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        // Already in the graph through AsyncHTTPClient; named for the client's decompression setting.
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        // Runs --token-command without blocking a cooperative thread, with cancellation that kills it.
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        // The sandbox's $filter grammar. Without its CasePaths trait it builds no macros (no swift-syntax).
        .package(url: "https://github.com/pointfreeco/swift-parsing", from: "0.15.2", traits: []),
        // report.html is built from Mustache templates, whose {{ }} escapes every value from the input or the server.
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        // --metrics-file: the Prometheus text format, written by the library that defines it for Swift.
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // File descriptors whose failures are thrown as `Errno`. Already in the graph through Subprocess and NIO.
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        // SHA-256 for the input's fingerprint. Already resolved in the graph (swift-nio-ssl and swift-nio-extras name it).
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        // The ZIP archive of an .xlsx or .ods workbook (read and written); zlib underneath, linked as the rest.
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
    ],
    targets: [
        // libcsv from Debian's libcsv-dev (scripts/bootstrap installs it).
        .systemLibrary(
            name: "CLibCSV",
            providers: [.apt(["libcsv-dev"])]
        ),
        // SQLite's C API from Debian's libsqlite3-dev, for the journal (see SQLiteDatabase.swift for why not GRDB).
        .systemLibrary(
            name: "CSQLite",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // The pipeline, one target a stage; every arrow points down the list
        // (ARCHITECTURE.md draws it): Model <- Input <- Plan <- Outcome <- Send,
        // Report, Journal <- Run. The compiler refuses a new circle.
        .target(
            name: "ReferralModel",
            swiftSettings: optimizedAcrossStages
        ),
        .target(
            name: "ReferralInput",
            dependencies: [
                "ReferralModel",
                "CLibCSV",
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: optimizedAcrossStages
        ),
        .target(
            name: "ReferralPlan",
            dependencies: ["ReferralModel", "ReferralInput"],
            swiftSettings: optimizedAcrossStages
        ),
        // What happened to one document, and what the report and the journal
        // read of it: below Send, so neither depends on HTTP.
        .target(
            name: "ReferralOutcome",
            dependencies: ["ReferralModel", "ReferralPlan"],
            swiftSettings: optimizedAcrossStages
        ),
        .target(
            name: "ReferralSend",
            dependencies: [
                "ReferralModel",
                "ReferralInput",
                "ReferralPlan",
                "ReferralOutcome",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPCompression", package: "swift-nio-extras"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                // SHA-256 of a refresh token seed (the token cache remembers which one it grew from).
                .product(name: "Crypto", package: "swift-crypto"),
                // The token cache is written and locked through file descriptors.
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: optimizedAcrossStages
        ),
        .target(
            name: "ReferralReport",
            dependencies: [
                "ReferralModel",
                "ReferralInput",
                "ReferralPlan",
                "ReferralOutcome",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: optimizedAcrossStages
        ),
        .target(
            name: "ReferralJournal",
            dependencies: [
                "ReferralModel",
                "ReferralInput",
                "ReferralPlan",
                "ReferralOutcome",
                "CSQLite",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: optimizedAcrossStages
        ),
        // The wiring of a whole run: apply (and its dry run) and export.
        .target(
            name: "ReferralRun",
            dependencies: [
                "ReferralModel",
                "ReferralInput",
                "ReferralPlan",
                "ReferralOutcome",
                "ReferralSend",
                "ReferralReport",
                "ReferralJournal",
                // --sandbox: the embedded sandbox a connection starts in place of the API.
                "ReferralSandbox",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: optimizedAcrossStages
        ),
        // The local Partner Center emulator; shares the model (JSON, pointers, statuses) with the client.
        .target(
            name: "ReferralSandbox",
            dependencies: [
                "ReferralModel",
                "ReferralInput",
                "ReferralPlan",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Parsing", package: "swift-parsing"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: everyTarget
        ),
        // What the test targets share: a sandbox on port 0 for one test, a raw client, state readers.
        .target(
            name: "ReferralSandboxTesting",
            dependencies: [
                "ReferralModel",
                "ReferralSandbox",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: everyTarget
        ),
        .executableTarget(
            name: "referral-bulk",
            dependencies: everyStage + [
                "ReferralSandbox",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: everyTarget
        ),
        // libFuzzer target of the reader and planner (scripts/fuzz); replays files otherwise.
        .executableTarget(
            name: "referral-bulk-fuzz",
            dependencies: ["ReferralPlan"],
            swiftSettings: everyTarget
        ),
        .testTarget(
            name: "ReferralBulkTests",
            dependencies: everyStage + [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "SystemPackage", package: "swift-system"),
                // Builds the hostile archives the workbook tests refuse.
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            exclude: ["Fixtures"],
            swiftSettings: everyTarget
        ),
        .testTarget(
            name: "ReferralSandboxTests",
            dependencies: [
                "ReferralSandbox",
                "ReferralSandboxTesting",
                "ReferralModel",
                "ReferralPlan",
                "ReferralSend",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
            ],
            exclude: ["Fixtures"],
            swiftSettings: everyTarget
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: everyStage + [
                "ReferralSandbox",
                "ReferralSandboxTesting",
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                // ChildProcess runs the executable to its end as the product runs --token-command.
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: everyTarget
        ),
    ]
)
