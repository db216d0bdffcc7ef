import ArgumentParser
import Configuration
import Gateway
import ProverNetCore

/// The gateway's bonds and slashes (`docs/economics.md`). Keys under `gateway.` (flags, then
/// PROVERNET_GATEWAY_<KEY>, then --config).
struct GatewayEconomicsOptions: ParsableArguments {
    @Option(help: "Stake bonded for every job, in credits (key bondMinimum; default 1).") var bondMinimum: String?
    @Option(help: "Plus this multiple of the job's price, in basis points (key bondPriceMultipleBps; default 20000).")
    var bondPriceMultipleBps: Int64?
    @Option(help: "Units of the registry's stake per credit (key stakeUnitsPerCredit; default 1).")
    var stakeUnitsPerCredit: UInt64?
    @Option(help: "Share of the bond an invalid proof costs, in basis points (key slashInvalidBps; default 10000).")
    var slashInvalidBps: Int64?
    @Option(
        help:
            "Share of the bond a lapsed lease or a job held past its deadline costs (key slashLapseBps; default 2500).")
    var slashLapseBps: Int64?
    @Option(
        help:
            "Share of a lapse's slash paid to the prover that completes the job (key slashCompleterBps; default 5000).")
    var slashCompleterBps: Int64?

    var flags: [String: String?] {
        [
            "gateway.bondMinimum": bondMinimum, "gateway.bondPriceMultipleBps": bondPriceMultipleBps.map(String.init),
            "gateway.stakeUnitsPerCredit": stakeUnitsPerCredit.map(String.init),
            "gateway.slashInvalidBps": slashInvalidBps.map(String.init),
            "gateway.slashLapseBps": slashLapseBps.map(String.init),
            "gateway.slashCompleterBps": slashCompleterBps.map(String.init),
        ]
    }

    /// The bond and slash policies the settings (scoped to `gateway`) describe.
    static func policies(_ config: ConfigReader) throws -> (BondPolicy, SlashPolicy) {
        func basisPoints(_ key: String, _ fallback: Int64, most: Int64 = 10_000) throws -> Int64 {
            guard let text = GatewaySettings.text(config, key) else { return fallback }
            guard let value = Int64(text), (0...most).contains(value) else {
                throw failure("gateway.\(key) = '\(text)' is not a whole number of basis points in 0…\(most)")
            }
            return value
        }
        var bonds = BondPolicy()
        if let text = GatewaySettings.text(config, "bondMinimum") {
            guard let amount = Amount(decimal: text) else {
                throw failure("gateway.bondMinimum = '\(text)' is not a decimal amount (at most 6 decimals)")
            }
            bonds.minimum = amount
        }
        bonds.priceMultipleBasisPoints = try basisPoints(
            "bondPriceMultipleBps", bonds.priceMultipleBasisPoints, most: 1_000_000)
        if let text = GatewaySettings.text(config, "stakeUnitsPerCredit") {
            guard let value = UInt64(text), value > 0 else {
                throw failure("gateway.stakeUnitsPerCredit = '\(text)' is not a positive integer")
            }
            bonds.stakeUnitsPerCredit = value
        }
        var slashes = SlashPolicy()
        slashes.invalidProofBasisPoints = try basisPoints("slashInvalidBps", slashes.invalidProofBasisPoints)
        slashes.lapseBasisPoints = try basisPoints("slashLapseBps", slashes.lapseBasisPoints)
        slashes.completerBasisPoints = try basisPoints("slashCompleterBps", slashes.completerBasisPoints)
        return (bonds, slashes)
    }
}
