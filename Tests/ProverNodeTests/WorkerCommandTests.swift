import Foundation
import ProverNode
import Testing

/// The worker command: its default, its parsing from a flag or a configuration file, and its check.
struct WorkerCommandTests {
    @Test func theDefaultIsTheWorkerSubcommandOfTheRunningBinary() {
        let command = WorkerCommand.provernet(URL(fileURLWithPath: "/opt/provernet/bin/provernet"))
        #expect(command.executable.path == "/opt/provernet/bin/provernet")
        #expect(command.arguments == ["prover", "worker", "--serve"])
        #expect(command.description == "/opt/provernet/bin/provernet prover worker --serve")
        #expect(WorkerCommand.provernet().executable == ProverNodeConfiguration.currentExecutable)
    }

    @Test func aLineIsSplitAtWhiteSpaceAndAnArrayIsTakenWordForWord() throws {
        let line = try WorkerCommand(parsing: "  /usr/local/bin/provernet-worker  --serve\t--threads 4 ")
        #expect(
            line
                == WorkerCommand(
                    executable: URL(fileURLWithPath: "/usr/local/bin/provernet-worker"),
                    arguments: ["--serve", "--threads", "4"]))
        let words = try WorkerCommand(words: ["/opt/my worker/bin", "serve"])
        #expect(words.executable.path == "/opt/my worker/bin" && words.arguments == ["serve"])
    }

    @Test func anEmptyCommandOrAMissingExecutableIsRefusedWithTheFlagToSet() throws {
        #expect(throws: ProverNodeError.self) { try WorkerCommand(parsing: "   ") }
        let missing = WorkerCommand(executable: URL(fileURLWithPath: "/no/such/worker"))
        do {
            try missing.validate()
            Issue.record("a missing worker executable was accepted")
        } catch {
            #expect("\(error)".contains("/no/such/worker") && "\(error)".contains("--worker-command"))
        }
        try WorkerCommand(executable: URL(fileURLWithPath: "/bin/sh")).validate()
    }
}
