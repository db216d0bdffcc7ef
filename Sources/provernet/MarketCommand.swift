import ArgumentParser

struct MarketCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "market",
        abstract: "The DARA market."
    )
    func run() async throws {}
}
