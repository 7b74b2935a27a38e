// swift-tools-version:6.2
import PackageDescription

/// One set of settings for every target, so the whole package builds in the same language mode.
let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Hookcast",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "hookcast", targets: ["hookcast"]),
        .library(name: "Mosquitto", targets: ["Mosquitto"]),
        // Hookcast's mosquitto plugin (docs/broker-plugin.md), loaded by the broker with `plugin <path>`.
        .library(name: "hookcast-broker-plugin", type: .dynamic, targets: ["HookcastBrokerPlugin"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        // The device import's CSV reader: quoted fields with commas and line breaks, as spreadsheets write them.
        .package(url: "https://github.com/swiftcsv/SwiftCSV.git", from: "0.10.0"),
        // Already in the graph through Hummingbird; named for the request-deadline channel handler.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        // Already in the graph through Hummingbird; the metrics API the gateway records through.
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        // Renders those metrics in Prometheus's text format for GET /metrics.
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        // Benchmarks only: latency percentiles without keeping every sample (HdrHistogram, as wrk2 and others use).
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        // The PostgreSQL store (`--store postgres://…`), and its TLS (which PostgresNIO itself depends on).
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        // Delivery reports, CAP feeds and the admin CLI's calls, instead of URLSession: on Linux that is libcurl,
        // which with the 27 libraries it needs took 4.4 MiB of every hookcast process (bench/README.md, "Memory").
        // Already in the graph through HummingbirdTesting.
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CMosquitto",
            pkgConfig: "libmosquitto",
            providers: [.apt(["libmosquitto-dev"])]
        ),
        .target(
            name: "Mosquitto",
            dependencies: [
                "CMosquitto",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The device protocol of docs/protocol.md: topics, identifiers and the messages on them. Foundation only, so
        // a device agent or a broker-side component links it without the store.
        .target(
            name: "HookcastProtocol",
            swiftSettings: swiftSettings
        ),
        // CAP 1.2 (OASIS Common Alerting Protocol) alerts and the feeds that list them (docs/cap.md): a hardened XML
        // reader and the alert model, pure parsing with no I/O, so the intake endpoint and a feed poller share it.
        .target(
            name: "HookcastCAP",
            dependencies: ["HookcastProtocol"],
            swiftSettings: swiftSettings
        ),
        // Hookcast's mosquitto plugin without mosquitto: its tables, decisions, control requests and journal
        // (docs/broker-plugin.md), pure Swift, so the unit tests run them without a broker.
        .target(
            name: "HookcastBrokerAccess",
            dependencies: [
                "HookcastProtocol",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // mosquitto's plugin headers (Debian's mosquitto-dev) and a shim for its variadic log function. Links no
        // library: the broker that loads the plugin provides every mosquitto_* symbol.
        .target(name: "CMosquittoBroker"),
        .target(
            name: "HookcastBrokerPlugin",
            dependencies: ["CMosquittoBroker", "HookcastBrokerAccess", "HookcastProtocol"],
            swiftSettings: swiftSettings,
            // The broker is a C program: the Swift runtime goes into the plugin. Without the three libraries named
            // here, dlopen fails on undefined Foundation symbols (measured with Debian's mosquitto 2.0.11).
            // `-z nodelete`: mosquitto dlcloses its plugins on the way out, but the Swift runtime and Dispatch
            // cannot be unloaded (their threads and exit handlers still point into the library); without it the
            // broker now and then died with SIGSEGV after a normal SIGTERM.
            linkerSettings: [
                .unsafeFlags([
                    "-static-stdlib", "-l_FoundationCollections", "-l_FoundationCShims", "-lswiftSynchronization",
                    "-Xlinker", "-z", "-Xlinker", "nodelete",
                ])
            ]
        ),
        // SQLite's C API (Debian's libsqlite3-dev), which the store's one connection thread calls directly.
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .target(
            name: "HookcastCore",
            dependencies: [
                "CSQLite",
                "HookcastCAP",
                "HookcastProtocol",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SwiftCSV", package: "SwiftCSV"),
            ],
            swiftSettings: swiftSettings
        ),
        // The same repositories on PostgreSQL, apart from HookcastCore so that only what serves a gateway links
        // PostgresNIO and its TLS.
        .target(
            name: "HookcastPostgres",
            dependencies: [
                "HookcastCore",
                "HookcastProtocol",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "HookcastServer",
            dependencies: [
                "HookcastCAP",
                "HookcastCore",
                "HookcastPostgres",
                "HookcastProtocol",
                "Mosquitto",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                // HTTPServerBuilder, named where the public and the metrics listener share one server setup.
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            // docs/openapi.json is a symlink to this file: one document, served as it is written. console/ is the
            // web console, plain HTML, CSS and JavaScript served as they are written (no build step).
            resources: [.copy("Resources/openapi.json"), .copy("Resources/console")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "HookcastDevice",
            dependencies: [
                "HookcastProtocol",
                "Mosquitto",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "hookcast",
            dependencies: [
                "HookcastCore",
                "HookcastProtocol",
                "HookcastServer",
                "HookcastDevice",
                // For `MQTTClient.TLSConfiguration`, which the MQTT TLS options build for the gateway and the agent.
                "Mosquitto",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings,
            // Linked by lld (in every Swift toolchain) with packed relative relocations (DT_RELR, glibc 2.36+):
            // the 68,000 relocations of this position-independent executable take 14 KiB instead of 1.6 MiB,
            // which the loader read into every hookcast process (gateway and simulator alike) at start
            // (bench/README.md, "Memory").
            linkerSettings: [.unsafeFlags(["-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs"])]
        ),
        .executableTarget(
            name: "mqtt-publish-bench",
            dependencies: ["Mosquitto"],
            path: "Benchmarks/MQTTPublish",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "fleet-connect-bench",
            dependencies: ["HookcastDevice", .product(name: "Logging", package: "swift-log")],
            path: "Benchmarks/FleetConnect",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "hookcast-bench",
            dependencies: [
                "HookcastCore",
                "HookcastBrokerAccess",
                "HookcastProtocol",
                "Mosquitto",
                // Its child processes (posix_spawn, reaped by pid) and free ports, as the tests use them.
                "HookcastTestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Benchmarks/EndToEnd",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "key-timing-bench",
            dependencies: ["HookcastCore", .product(name: "Logging", package: "swift-log")],
            path: "Benchmarks/KeyTiming",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "HookcastTestSupport",
            dependencies: ["HookcastProtocol"],
            path: "Tests/Support",
            swiftSettings: swiftSettings
        ),
        // The PostgreSQL server scripts/test starts, and a database of its own for each test.
        .target(
            name: "HookcastPostgresTestSupport",
            dependencies: [
                "HookcastPostgres",
                "HookcastTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Tests/PostgresSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HookcastProtocolTests",
            dependencies: ["HookcastProtocol", "HookcastTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HookcastCAPTests",
            dependencies: ["HookcastCAP", "HookcastCore", "HookcastProtocol", "HookcastTestSupport"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HookcastBrokerAccessTests",
            dependencies: ["HookcastBrokerAccess", "HookcastProtocol", "HookcastTestSupport"],
            swiftSettings: swiftSettings
        ),
        // The built plugin loaded into a real mosquitto (scripts/test builds it and names it in
        // HOOKCAST_TEST_BROKER_PLUGIN), observed with mosquitto's own clients.
        .testTarget(
            name: "HookcastBrokerPluginTests",
            dependencies: ["HookcastBrokerAccess", "HookcastProtocol", "HookcastTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HookcastCoreTests",
            dependencies: [
                "HookcastCore", "HookcastProtocol", "HookcastTestSupport", "HookcastPostgres",
                "HookcastPostgresTestSupport",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HookcastDeviceTests",
            dependencies: ["HookcastDevice", "HookcastProtocol", "Mosquitto", "HookcastTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MosquittoTests",
            dependencies: ["Mosquitto", "HookcastTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HookcastServerTests",
            dependencies: [
                "HookcastServer",
                "HookcastCore",
                "HookcastProtocol",
                "HookcastDevice",
                "Mosquitto",
                "HookcastTestSupport",
                "HookcastPostgresTestSupport",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
