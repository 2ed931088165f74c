// swift-tools-version: 6.2

import PackageDescription

var strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]
// CI (scripts/test) builds with warnings as errors; local builds only warn.
if Context.environment["RPCD_WARNINGS_AS_ERRORS"] == "1" {
    strictSettings.append(.treatAllWarnings(as: .error))
}

let package = Package(
    name: "rpcd",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "rpcd", targets: ["rpcd"]),
        .executable(name: "rpcd-admin", targets: ["rpcd-admin"]),
        .library(name: "JSONRPC", targets: ["JSONRPC"]),
        .library(name: "RPCDDaemon", targets: ["RPCDDaemon"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.8.1"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
    ],
    targets: [
        // Protocol core: strict JSON, JSON-RPC 2.0 model, dispatcher, method registry. No I/O.
        .target(name: "JSONRPC", swiftSettings: strictSettings),

        // Access policy as pure values: connection authentication, bearer tokens, users, permissions. No I/O.
        .target(
            name: "RPCDAccess",
            dependencies: ["JSONRPC", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),

        // Linux headers Glibc's module map leaves out (signalfd, prctl); header-only.
        .systemLibrary(name: "CLinux", path: "Sources/CLinux"),

        // libsystemd: sd_notify, socket activation, the watchdog, the journal. Wrapped by RPCDSystem only.
        .systemLibrary(
            name: "CSystemd",
            path: "Sources/CSystemd",
            pkgConfig: "libsystemd",
            providers: [.apt(["libsystemd-dev"])]
        ),

        // Syscalls, signals, process facts, the sd_notify protocol. The only place raw Glibc calls live.
        .target(
            name: "RPCDSystem",
            dependencies: [
                "CLinux",
                "CSystemd",
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),

        // Log records and sinks: stderr, file, journald, syslog; the live level; USR1 reopens.
        .target(
            name: "RPCDLogging",
            dependencies: ["RPCDSystem", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSettings
        ),

        // The configuration language: keys, value syntax, env files, layering, validation,
        // --check-config. Pure: what it needs of the machine comes through ConfigurationLoader.Host.
        .target(
            name: "RPCDConfiguration",
            dependencies: [
                "RPCDLogging",
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),

        // SwiftNIO listeners, framing, limits, draining; the master–worker control channel.
        .target(
            name: "RPCDTransport",
            dependencies: [
                "JSONRPC",
                "RPCDSupervisor",
                "RPCDConfiguration",
                "RPCDLogging",
                "RPCDAccess",
                "RPCDSystem",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),

        // Admin methods and result types (shared by the admin server and rpcd-admin), the admin client.
        .target(
            name: "RPCDAdmin",
            dependencies: [
                "JSONRPC",
                "RPCDAccess",
                "RPCDSystem",
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strictSettings
        ),

        // The master's worker table and restart policy: a pure state machine, no I/O,
        // and the master–worker control messages (values, encoded as JSON lines).
        .target(name: "RPCDSupervisor", dependencies: ["JSONRPC"], swiftSettings: strictSettings),

        // Exec methods (and, next, backend pools): methods served by other programs (DESIGN §10).
        .target(
            name: "RPCDBackends",
            dependencies: [
                "JSONRPC",
                "RPCDConfiguration",
                "RPCDSystem",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),

        // Composition root: built-in methods, process wiring of master, worker and single-process mode.
        .target(
            name: "RPCDDaemon",
            dependencies: [
                "JSONRPC",
                "RPCDAccess",
                "RPCDBackends",
                "RPCDSupervisor",
                "RPCDAdmin",
                "RPCDConfiguration",
                "RPCDLogging",
                "RPCDSystem",
                "RPCDTransport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
            ],
            swiftSettings: strictSettings
        ),

        .executableTarget(
            name: "rpcd",
            dependencies: [
                "RPCDDaemon",
                "RPCDSystem",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "rpcd-admin",
            dependencies: [
                "JSONRPC",
                "RPCDAdmin",
                "RPCDSystem",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),

        // Helpers shared by the test targets: temporary paths, process runner, socket clients.
        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: strictSettings),

        .testTarget(name: "JSONRPCTests", dependencies: ["JSONRPC"], swiftSettings: strictSettings),
        .testTarget(name: "RPCDAccessTests", dependencies: ["JSONRPC", "RPCDAccess"], swiftSettings: strictSettings),
        .testTarget(name: "RPCDSupervisorTests", dependencies: ["RPCDSupervisor"], swiftSettings: strictSettings),
        .testTarget(
            name: "RPCDTransportTests",
            dependencies: [
                "JSONRPC",
                "RPCDAccess",
                "RPCDTransport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "RPCDDaemonTests",
            dependencies: ["JSONRPC", "RPCDConfiguration", "RPCDDaemon", "RPCDTransport", "TestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "RPCDConfigurationTests",
            dependencies: [
                "RPCDAdmin",
                "RPCDConfiguration",
                "RPCDLogging",
                "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "RPCDLoggingTests",
            dependencies: [
                "RPCDLogging", "RPCDSystem", "TestSupport", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "IntegrationTests", dependencies: ["TestSupport"], swiftSettings: strictSettings),
        .testTarget(
            name: "RPCDAdminTests",
            dependencies: ["RPCDAdmin", "TestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "RPCDBackendsTests",
            dependencies: [
                "JSONRPC", "RPCDBackends", "RPCDConfiguration", "RPCDSystem", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "RPCDSystemTests",
            dependencies: ["RPCDSystem", "TestSupport"],
            swiftSettings: strictSettings
        ),
    ]
)

// Fuzzing (issue 15): scripts/fuzz sets RPCD_FUZZ=1 and builds in .build-fuzz; every other build
// sees the graph above unchanged. The framing harness needs RPCDTransport's internal types (it
// reaches them through `@testable import`; debug builds enable testing) and NIO, so it is a target
// here rather than a separate package (across packages `package` symbols are out of reach).
// Only the code under test is instrumented and optimised (`-O` on a debug build: SwiftPM's
// `--sanitize` would rebuild every dependency with coverage and AddressSanitizer, too slow for CI). The
// dispatch and json harnesses need only JSONRPC: scripts/fuzz builds them with swiftc directly.
if Context.environment["RPCD_FUZZ"] == "1" {
    let instrumented: [SwiftSetting] = [.unsafeFlags(["-sanitize=fuzzer,address", "-O"])]
    for target in package.targets where ["JSONRPC", "RPCDTransport"].contains(target.name) {
        target.swiftSettings = (target.swiftSettings ?? []) + instrumented
    }
    package.targets.append(
        .executableTarget(
            name: "FuzzFraming",
            dependencies: [
                "JSONRPC",
                "RPCDConfiguration",
                "RPCDTransport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            path: "Fuzz",
            exclude: ["corpus", "dispatch", "json"],
            sources: ["Common", "framing"],
            swiftSettings: strictSettings + instrumented + [.enableExperimentalFeature("Extern")],
            // libFuzzer itself (without its `main`) comes from scripts/fuzz's -Xlinker flags:
            // its path is the toolchain's.
            linkerSettings: [.unsafeFlags(["-sanitize=address", "-use-ld=lld"]), .linkedLibrary("stdc++")]
        )
    )
}
