import ArgumentParser
import ProverNetClient
import ProverNetCore

/// `provernet cancel`: cancels a request that has not ended.
struct CancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Cancel a request; its running jobs are told to stop.",
        discussion: """
            Prints {"request_id": …, "state": …} (a request that had already ended keeps its state).
            Exit status: 0 answered, 2 bad input or the gateway refused (with its reason).
            """)
    @OptionGroup var connection: ClientGatewayOptions
    @Argument(help: "The request's id.") var request: RequestID

    func run() async throws {
        let state = try await connection.withClient { client in try await client.cancel(request) }
        try ClientOutput.printJSON(["request_id": request.rawValue, "state": state.rawValue])
    }
}
