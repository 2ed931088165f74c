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
    ],
    targets: [
        // Protocol core: strict JSON, JSON-RPC 2.0 model, dispatcher, method registry. No I/O.
        .target(name: "JSONRPC", swiftSettings: strictSettings),

        // Linux headers Glibc's module map leaves out (signalfd, prctl); header-only.
        .systemLibrary(name: "CLinux", path: "Sources/CLinux"),

        // libsystemd: sd_notify, socket activation, the watchdog, the journal. Wrapped by RPCDSystem only.
        .systemLibrary(
            name: "CSystemd",
            path: "Sources/CSystemd",
            pkgConfig: "libsystemd",
            providers: [.apt(["libsystemd-dev"])]
        ),

        // Syscalls, signals, process facts. The only place raw Glibc calls live.
        .target(
            name: "RPCDSystem",
            dependencies: ["CLinux", "CSystemd", .product(name: "SystemPackage", package: "swift-system")],
            swiftSettings: strictSettings
        ),

        // SwiftNIO listeners, framing, limits, draining.
        .target(
            name: "RPCDTransport",
            dependencies: [
                "CLinux",
                "JSONRPC",
                "RPCDSystem",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),

        // Admin methods and result types (shared by the admin server and rpcd-admin), the admin client.
        .target(name: "RPCDAdmin", dependencies: ["JSONRPC", "RPCDSystem"], swiftSettings: strictSettings),

        // The master's worker table and restart policy: a pure state machine, no I/O.
        .target(name: "RPCDSupervisor", swiftSettings: strictSettings),

        // Composition root: configuration, logging, built-in methods, process wiring.
        .target(
            name: "RPCDDaemon",
            dependencies: [
                "JSONRPC",
                "RPCDSupervisor",
                "RPCDAdmin",
                "RPCDSystem",
                "RPCDTransport",
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),

        .executableTarget(
            name: "rpcd",
            dependencies: [
                "RPCDDaemon",
                "RPCDSystem",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "rpcd-admin",
            dependencies: [
                "RPCDAdmin",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),

        // Helpers shared by the test targets: temporary paths, process runner, socket clients.
        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: strictSettings),

        .testTarget(name: "JSONRPCTests", dependencies: ["JSONRPC"], swiftSettings: strictSettings),
        .testTarget(name: "RPCDSupervisorTests", dependencies: ["RPCDSupervisor"], swiftSettings: strictSettings),
        .testTarget(
            name: "RPCDTransportTests",
            dependencies: [
                "JSONRPC",
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
            dependencies: ["JSONRPC", "RPCDDaemon", "RPCDTransport", "TestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "IntegrationTests", dependencies: ["TestSupport"], swiftSettings: strictSettings),
        .testTarget(
            name: "RPCDAdminTests",
            dependencies: ["RPCDAdmin", "TestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "RPCDSystemTests",
            dependencies: ["RPCDSystem", "TestSupport"],
            swiftSettings: strictSettings
        ),
    ]
)
