import ArgumentParser
import Configuration
import Gateway
import ProverNetCore

/// The gateway's bonds, slashes and settlement fee (`docs/economics.md`). Keys under `gateway.` (flags, then
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
    @Option(
        help:
            "The network's fee on operators' receipts when an epoch settles, in basis points (key settlementFeeBps; default 500)."
    )
    var settlementFeeBps: Int64?
    @Option(
        help:
            "Time in which a reputation event's weight halves, in seconds (key reputationHalfLifeSeconds; default 604800, a week)."
    )
    var reputationHalfLifeSeconds: Double?
    @Option(help: "The reputation prior's weight, in jobs (key reputationPriorJobs; default 2).")
    var reputationPriorJobs: Double?
    @Option(help: "The reputation prior's success rate, a newcomer's reputation (key reputationPrior; default 0.9).")
    var reputationPrior: Double?
    @Option(help: "Reputation under which a prover gets no work (key reputationFloor; default 0.5).")
    var reputationFloor: Double?
    @Option(help: "Weight of success in reputation (key reputationSuccessWeight; default 3).")
    var reputationSuccessWeight: Double?
    @Option(help: "Weight of timeliness in reputation (key reputationTimelinessWeight; default 1).")
    var reputationTimelinessWeight: Double?
    @Option(help: "Each decayed slash divides reputation by 1 + this (key reputationSlashPenalty; default 1).")
    var reputationSlashPenalty: Double?
    @Option(help: "Reputations are rounded to a multiple of this (key reputationStep; default 0.05).")
    var reputationStep: Double?

    var flags: [String: String?] {
        [
            "gateway.bondMinimum": bondMinimum, "gateway.bondPriceMultipleBps": bondPriceMultipleBps.map(String.init),
            "gateway.stakeUnitsPerCredit": stakeUnitsPerCredit.map(String.init),
            "gateway.slashInvalidBps": slashInvalidBps.map(String.init),
            "gateway.slashLapseBps": slashLapseBps.map(String.init),
            "gateway.slashCompleterBps": slashCompleterBps.map(String.init),
            "gateway.settlementFeeBps": settlementFeeBps.map(String.init),
            "gateway.reputationHalfLifeSeconds": reputationHalfLifeSeconds.map { String($0) },
            "gateway.reputationPriorJobs": reputationPriorJobs.map { String($0) },
            "gateway.reputationPrior": reputationPrior.map { String($0) },
            "gateway.reputationFloor": reputationFloor.map { String($0) },
            "gateway.reputationSuccessWeight": reputationSuccessWeight.map { String($0) },
            "gateway.reputationTimelinessWeight": reputationTimelinessWeight.map { String($0) },
            "gateway.reputationSlashPenalty": reputationSlashPenalty.map { String($0) },
            "gateway.reputationStep": reputationStep.map { String($0) },
        ]
    }

    /// The bond and slash policies the settings (scoped to `gateway`) describe.
    static func policies(_ config: ConfigReader) throws -> (BondPolicy, SlashPolicy, settlementFeeBps: Int) {
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
        let fee = try basisPoints("settlementFeeBps", Int64(SettlementBuilder.defaultFeeBps))
        return (bonds, slashes, Int(fee))
    }

    /// The reputation policy the settings (scoped to `gateway`) describe; each value is checked once here (a
    /// policy with a problem is refused by `GatewayConfiguration.validate`, naming it).
    static func reputation(_ config: ConfigReader) throws -> ReputationPolicy {
        var policy = ReputationPolicy()
        let halfLife = try GatewaySettings.double(
            config, "reputationHalfLifeSeconds", Double(policy.halfLifeMillis) / 1000)
        guard halfLife >= 0.001, halfLife * 1000 < Double(Int64.max) else {
            throw failure("gateway.reputationHalfLifeSeconds = \(halfLife) is not a positive number of seconds")
        }
        policy.halfLifeMillis = Int64((halfLife * 1000).rounded())
        policy.priorJobs = try GatewaySettings.double(config, "reputationPriorJobs", policy.priorJobs)
        policy.priorSuccess = try GatewaySettings.double(config, "reputationPrior", policy.priorSuccess)
        policy.floor = try GatewaySettings.double(config, "reputationFloor", policy.floor)
        policy.successWeight = try GatewaySettings.double(config, "reputationSuccessWeight", policy.successWeight)
        policy.timelinessWeight = try GatewaySettings.double(
            config, "reputationTimelinessWeight", policy.timelinessWeight)
        policy.slashPenalty = try GatewaySettings.double(config, "reputationSlashPenalty", policy.slashPenalty)
        policy.step = try GatewaySettings.double(config, "reputationStep", policy.step)
        return policy
    }
}
