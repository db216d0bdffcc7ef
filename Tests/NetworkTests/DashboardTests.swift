import Foundation
import ProverNetClient
import ProverNetCore
import ProverNetTesting
import TestSupport
import Testing

// Nested in NetworkTests, whose `.serialized` runs its tests and nested suites one after another: these start whole
// networks (and a browser); run beside the other network tests on a two-core machine they slowed one of those to
// 131 s, and it failed once.
extension NetworkTests {
    /// The web dashboard: its page and its snapshot over real HTTP from a gateway process, and the page itself
    /// in a real browser (headless Chromium driven by Selenium, `Tests/Browser/dashboard_test.py`) against a
    /// real devnet.
    @Suite struct DashboardTests {
        /// The package's root (this file is Tests/NetworkTests/DashboardTests.swift).
        static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        /// Selenium's Python, in the virtual environment that scripts/setup makes.
        static let python = packageRoot.appendingPathComponent(".venv-browser/bin/python")
        static let chromium = ProcessInfo.processInfo.environment["CHROMIUM"] ?? "/usr/bin/chromium"
        static let chromedriver = ProcessInfo.processInfo.environment["CHROMEDRIVER"] ?? "/usr/bin/chromedriver"

        /// Whether Chromium, its driver and Selenium are here (scripts/setup installs them).
        static var browserAvailable: Bool {
            [python.path, chromium, chromedriver].allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }
        }

        /// Where the browser test's screenshots go: $PROVERNET_TEST_OUTPUT/dashboard, else
        /// .build/test-output/dashboard in the package (kept after the run, failed or not).
        static var outputDirectory: URL {
            let base =
                ProcessInfo.processInfo.environment["PROVERNET_TEST_OUTPUT"].map { URL(fileURLWithPath: $0) }
                ?? packageRoot.appendingPathComponent(".build/test-output")
            return base.appendingPathComponent("dashboard")
        }

        @Test func theGatewayServesTheDashboardPageAndASnapshotOfTheNetwork() async throws {
            let network = try await ProcessNetwork.started(
                executable: BuiltBinary.provernet,
                settings: .init(gatewayArguments: ["--health-port", "0", "--dashboard"]))
            let port = try #require(await network.healthPort)
            try await network.startNewProver("prover-d")
            try await network.waitForProvers(1)

            let page = try #require(await HealthTests.get(port, "/dashboard/"))
            #expect(page.status == 200 && page.body.contains("<script src=\"/dashboard/dashboard.js\""))
            for asset in ["dashboard.js", "charts.js", "dashboard.css", "favicon.svg"] {
                #expect(await HealthTests.get(port, "/dashboard/\(asset)")?.status == 200, "\(asset)")
            }
            // Nothing from another host: no absolute URL in the page's files.
            for asset in ["", "dashboard.js", "charts.js", "dashboard.css"] {
                let body = await HealthTests.get(port, "/dashboard/\(asset)")?.body ?? ""
                #expect(!body.contains("https://") && !body.contains("//cdn"), "\(asset) names another host")
            }
            #expect(await HealthTests.get(port, "/dashboard")?.status == 200)

            let name = "<script>alert(1)</script>"
            let requestID = try await ProverNetClient.withClient(endpoint: await network.endpoint) { client in
                let circuit = try await client.registerSyntheticCircuit(constraints: 300, name: name)
                let submitted = try await client.submit(
                    circuit: circuit.id, inputs: syntheticInputs(2), maxPricePerJob: 10)
                for try await _ in client.watch(request: submitted.id) {}
                return submitted.id
            }
            let answer = try #require(await HealthTests.get(port, "/dashboard/api/snapshot"))
            #expect(answer.status == 200)
            let snapshot = try #require(
                try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any])
            let networkPart = try #require(snapshot["network"] as? [String: Any])
            #expect(networkPart["provers_online"] as? Int == 1)
            #expect(networkPart["proofs_verified"] as? Int == 2)
            let provers = try #require(snapshot["provers"] as? [[String: Any]])
            #expect(provers.count == 1 && provers.first?["name"] as? String == "prover-d")
            #expect(provers.first?["verified"] as? Int == 2)
            // Two verified proofs and nothing else: above a newcomer's 0.9 if on time, at least the floor if late.
            let reputation = try #require(provers.first?["reputation"] as? Double)
            #expect(reputation >= 0.5 && reputation <= 1, "\(reputation)")
            let verdicts = try #require(provers.first?["recent_verdicts"] as? [[String: Any]])
            #expect(verdicts.count == 2 && verdicts.allSatisfy { $0["accepted"] as? Bool == true })
            let requests = try #require(snapshot["requests"] as? [[String: Any]])
            let row = try #require(requests.first { $0["id"] as? String == requestID.rawValue })
            #expect(row["state"] as? String == "done" && row["circuit_name"] as? String == name)
            #expect((row["jobs"] as? [Any])?.count == 2)
            #expect(((snapshot["rounds"] as? [Any])?.count ?? 0) >= 1)
            // Money exactly: the ledger's units add up.
            let charges = try #require(networkPart["client_charges_units"] as? Int)
            let payments = try #require(networkPart["prover_payments_units"] as? Int)
            let fees = try #require(networkPart["network_fees_units"] as? Int)
            #expect(charges > 0 && charges == payments + fees)
            await network.clean()
        }

        @Test(.enabled(if: browserAvailable || Promtool.required, "needs chromium, chromium-driver and Selenium"))
        func theDashboardInARealBrowserShowsTheDevnetLiveAndStrangersTextAsText() throws {
            try? FileManager.default.removeItem(at: Self.outputDirectory)
            let run = try CommandRun.run(
                Self.python,
                [
                    Self.packageRoot.appendingPathComponent("Tests/Browser/dashboard_test.py").path,
                    "--provernet", BuiltBinary.provernet.path, "--out", Self.outputDirectory.path,
                ])
            print("browser test output (screenshots in \(Self.outputDirectory.path)):\n\(run.stdout)\(run.stderr)")
            #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
            for page in ["provers", "requests", "network", "auctions"] {
                #expect(
                    FileManager.default.fileExists(
                        atPath: Self.outputDirectory.appendingPathComponent("\(page).png").path),
                    "no screenshot of \(page)")
            }
        }
    }
}
