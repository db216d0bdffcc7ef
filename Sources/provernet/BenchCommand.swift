import ArgumentParser

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the BN254 arithmetic; prints one JSON object per line."
    )
    func run() async throws {}
}
