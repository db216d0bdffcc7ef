// swift-tools-version: 6.1
import PackageDescription

/// The hot cryptographic code is compiled optimized even in debug builds, so that `swift test`
/// runs the arithmetic at full speed. `-enforce-exclusivity=unchecked` drops the dynamic
/// exclusivity checks that otherwise sit inside every limb loop.
let optimized: [SwiftSetting] = [
    .unsafeFlags(["-O", "-enforce-exclusivity=unchecked"])
]

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "ProverNet",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "provernet", targets: ["provernet"]),
        .executable(name: "provernet-chaos", targets: ["provernet-chaos"]),
        .library(name: "ProverNetTesting", targets: ["ProverNetTesting"]),
        .library(name: "BN254", targets: ["BN254"]),
        .library(name: "Market", targets: ["Market"]),
        .library(name: "Groth16", targets: ["Groth16"]),
        .library(name: "Circom", targets: ["Circom"]),
        .library(name: "ProverNetClient", targets: ["ProverNetClient"]),
        .library(name: "ProverNetVerify", targets: ["ProverNetVerify"]),
        .library(name: "SnarkPack", targets: ["SnarkPack"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swiftwasm/WasmKit", from: "0.4.2"),
        .package(url: "https://github.com/grpc/grpc-swift-2", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport", from: "2.9.2"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        .target(name: "BN254", swiftSettings: strict + optimized),
        .target(name: "Market", swiftSettings: strict + optimized),
        .target(name: "Groth16", dependencies: ["BN254"], swiftSettings: strict + optimized),
        .target(
            name: "Circom",
            dependencies: [
                "BN254", "Groth16",
                .product(name: "WasmKit", package: "WasmKit"),
                .product(name: "WasmParser", package: "WasmKit"),
            ],
            swiftSettings: strict + optimized
        ),
        .target(name: "SnarkPack", dependencies: ["BN254", "Groth16"], swiftSettings: strict + optimized),
        // The network's vocabulary: ids, states, job classes, money. Depends on nothing heavy.
        .target(name: "ProverNetCore", swiftSettings: strict),
        // Content hashes and prover authentication (swift-crypto).
        .target(
            name: "ProverNetCrypto",
            dependencies: ["ProverNetCore", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),
        // Debian's libsecp256k1 (with its recovery module), for Ethereum's signatures.
        .systemLibrary(
            name: "CSecp256k1", pkgConfig: "libsecp256k1", providers: [.apt(["libsecp256k1-dev"])]),
        // Keccak-256, secp256k1, EIP-55/191/712, ABI, JSON-RPC and the EigenLayer reads of the operator registry.
        .target(
            name: "Ethereum",
            dependencies: [
                "CSecp256k1", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict),
        // The proof systems as the network uses them (Groth16, SnarkPack).
        .target(
            name: "ProofSystems",
            dependencies: ["ProverNetCore", "BN254", "Groth16", "Circom", "SnarkPack"],
            swiftSettings: strict
        ),
        // The API's messages (generated by scripts/generate-api), with SwiftProtobuf only.
        .target(
            name: "ProverNetMessages",
            dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")]
        ),
        .target(
            name: "ProverNetAPI",
            dependencies: [
                "ProverNetMessages",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            exclude: ["Protos"]
        ),
        .target(
            name: "Store",
            dependencies: [
                "ProverNetCore", .product(name: "GRDB", package: "GRDB.swift"),
                // SHA-256 and Ed25519 for the audit log's chain and signed heads.
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // The gateway's store on PostgreSQL (several gateways on one database): a target of its own, so that
        // what links only `Store` (SQLite) is built as before.
        .target(
            name: "StorePostgres",
            dependencies: [
                "Store", "ProverNetCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Metrics through swift-metrics, exposed in Prometheus's text format (swift-prometheus), with help texts.
        .target(
            name: "ProverNetMetrics",
            dependencies: [
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "Gateway",
            dependencies: [
                // No proof system: the composition root hands the gateway a `ProofSystemRegistry`.
                "ProverNetCore", "ProverNetCrypto", "ProverNetAPI", "Store", "Market", "ProverNetMetrics", "Ethereum",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "HealthHTTP",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // The gateway's web dashboard: plain HTML, CSS and JavaScript served over Hummingbird, live by SSE.
        .target(
            name: "Dashboard",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Resources")],
            swiftSettings: strict
        ),
        .target(
            name: "ProverNode",
            dependencies: [
                // No proof system: the composition root hands the node a `ProofSystemRegistry`.
                "ProverNetCore", "ProverNetCrypto", "ProverNetAPI", "ProverNetMetrics",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "ProverNetClient",
            dependencies: [
                "ProverNetCore", "ProverNetCrypto", "ProverNetAPI",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // Checking fetched proofs on the client's side (the cryptography the client library itself does not link).
        .target(
            name: "ProverNetVerify",
            dependencies: [
                "ProverNetClient", "ProverNetCore", "ProofSystems", "BN254", "Groth16", "Circom", "SnarkPack",
            ],
            swiftSettings: strict
        ),
        // The process-network harness that devnet, `bench network`, the chaos runner and the tests share
        // (as HummingbirdTesting: tooling in a library of its own).
        .target(
            name: "ProverNetTesting",
            dependencies: [
                "ProverNetCore", "ProverNetCrypto", "ProverNetAPI", "ProverNetClient", "Store", "StorePostgres",
                "Gateway",
                "Ethereum",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                // The load harness's light provers speak the prover protocol themselves.
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: strict
        ),
        // The chaos scenarios and their invariant checker: only the provernet-chaos runner links them.
        .target(
            name: "ProverNetChaos",
            dependencies: [
                "ProverNetTesting", "ProverNetClient", "ProverNetVerify", "ProverNetCore", "Store", "StorePostgres",
                "TestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "provernet-chaos",
            dependencies: [
                "ProverNetChaos", "ProverNetTesting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "provernet",
            dependencies: [
                "BN254", "Market", "Groth16", "Circom", "SnarkPack",
                "ProverNetCore", "ProverNetCrypto", "ProofSystems", "ProverNetAPI", "Store", "StorePostgres", "Gateway",
                "ProverNode",
                "ProverNetClient", "ProverNetVerify", "HealthHTTP", "ProverNetTesting", "ProverNetMetrics", "Dashboard",
                "Ethereum",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict + optimized
        ),
        // The parsers that read bytes from outside, as fuzz targets; `provernet-fuzz` runs them under libFuzzer
        // when built by scripts/fuzz (-sanitize=fuzzer,address -DLIBFUZZER), and replays files otherwise.
        .target(
            name: "FuzzTargets",
            dependencies: [
                "BN254", "Groth16", "Circom", "SnarkPack", "ProverNetMessages",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ], swiftSettings: strict),
        .executableTarget(name: "provernet-fuzz", dependencies: ["FuzzTargets"], swiftSettings: strict),
        .target(name: "TestSupport", dependencies: ["Ethereum"], path: "Sources/TestSupport", swiftSettings: strict),
        .testTarget(name: "FuzzTargetTests", dependencies: ["FuzzTargets"], swiftSettings: strict),
        .testTarget(name: "BN254Tests", dependencies: ["BN254", "TestSupport"], swiftSettings: strict + optimized),
        .testTarget(
            name: "EthereumTests", dependencies: ["Ethereum", "TestSupport", "provernet"], swiftSettings: strict),
        .testTarget(name: "MarketTests", dependencies: ["Market"], swiftSettings: strict + optimized),
        .testTarget(
            name: "Groth16Tests", dependencies: ["Groth16", "Circom", "BN254", "TestSupport"],
            swiftSettings: strict + optimized),
        .testTarget(
            name: "ProverNetClientTests",
            dependencies: [
                "ProverNetClient", "ProverNetVerify", "ProverNetCore", "ProverNetCrypto", "ProofSystems",
                "ProverNetAPI",
                "Groth16", "Circom", "BN254", "TestSupport",
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "NetworkTests",
            dependencies: [
                "ProverNetClient", "ProverNetAPI", "ProverNetCore", "ProverNetTesting", "provernet", "TestSupport",
                "Gateway", "Ethereum",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ChaosTests", dependencies: ["provernet", "provernet-chaos", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "ProverNetTestingTests",
            dependencies: ["ProverNetChaos", "ProverNetTesting", "ProverNetCore", "Store", "TestSupport"],
            swiftSettings: strict
        ),
        .testTarget(name: "ProverNetCLITests", dependencies: ["provernet", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "StoreTests",
            dependencies: [
                "Store", "ProverNetCore", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                "StorePostgres", "TestSupport", .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                // The settlement's builder (SettlementStoreTests settle with the gateway's own).
                "Gateway",
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: strict),
        .testTarget(
            name: "GatewayTests",
            dependencies: [
                "Gateway", "Store", "Ethereum", "ProverNetCore", "ProverNetCrypto", "ProofSystems", "ProverNetAPI",
                "TestSupport",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        // A third, test-only proof system through a real gateway and prover node (neither names a system).
        .testTarget(
            name: "ProofSystemRegistryTests",
            dependencies: [
                "Gateway", "ProverNode", "ProverNetClient", "ProverNetCore", "ProverNetCrypto", "ProverNetAPI", "Store",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "ProverNodeTests",
            dependencies: [
                "ProverNode", "ProverNetCore", "ProverNetCrypto", "ProofSystems", "ProverNetAPI", "Groth16",
                "TestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "SnarkPackTests", dependencies: ["SnarkPack", "Groth16", "Circom", "BN254", "TestSupport"],
            swiftSettings: strict + optimized),
        .testTarget(
            name: "CircomTests", dependencies: ["Circom", "Groth16", "BN254", "TestSupport"],
            swiftSettings: strict + optimized),
    ],
    swiftLanguageModes: [.v6]
)
