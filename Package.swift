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
        .library(name: "BN254", targets: ["BN254"]),
        .library(name: "Market", targets: ["Market"]),
        .library(name: "Groth16", targets: ["Groth16"]),
        .library(name: "Circom", targets: ["Circom"]),
        .library(name: "SnarkPack", targets: ["SnarkPack"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swiftwasm/WasmKit", from: "0.4.2"),
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
        .executableTarget(
            name: "provernet",
            dependencies: [
                "BN254", "Market", "Groth16", "Circom", "SnarkPack",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict + optimized
        ),
        .target(name: "TestSupport", path: "Sources/TestSupport", swiftSettings: strict),
        .testTarget(name: "BN254Tests", dependencies: ["BN254", "TestSupport"], swiftSettings: strict + optimized),
        .testTarget(name: "MarketTests", dependencies: ["Market"], swiftSettings: strict + optimized),
        .testTarget(name: "Groth16Tests", dependencies: ["Groth16", "Circom", "BN254", "TestSupport"], swiftSettings: strict + optimized),
        .testTarget(name: "ProverNetCLITests", dependencies: ["provernet", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "SnarkPackTests", dependencies: ["SnarkPack", "Groth16", "Circom", "BN254", "TestSupport"],
            swiftSettings: strict + optimized),
        .testTarget(name: "CircomTests", dependencies: ["Circom", "Groth16", "BN254", "TestSupport"], swiftSettings: strict + optimized),
    ],
    swiftLanguageModes: [.v6]
)
