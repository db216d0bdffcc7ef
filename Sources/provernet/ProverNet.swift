import ArgumentParser

/// The `provernet` command-line tool: a thin layer over the library modules.
@main
struct ProverNet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "provernet",
        abstract: "ProverNet: a decentralized zero-knowledge prover network (Groth16 over BN254).",
        subcommands: [
            BenchCommand.self, MarketCommand.self, Groth16Command.self, WtnsCommand.self, ZKeyCommand.self,
            CircuitCommand.self, SnarkPackCommand.self,
            SubmitCommand.self, StatusCommand.self, WaitCommand.self, FetchCommand.self, VerifyCommand.self,
            CancelCommand.self, BalanceCommand.self,
            ProverCommand.self, OperatorCommand.self,
            GatewayCommand.self, AdminCommand.self, DevnetCommand.self,
        ]
    )
}
