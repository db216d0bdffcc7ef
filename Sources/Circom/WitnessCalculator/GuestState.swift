import WasmKit

/// What the host functions of one instantiation remember between calls: the error the circuit raised (host
/// functions throw it, and WasmKit may wrap what they throw, so it is kept here to be rethrown intact), the
/// error text the circuit printed before failing, and the log line being assembled.
///
/// One per instantiation, used by whoever holds the instance (see `InstancePool`); it needs no lock.
final class GuestState {
    var pendingError: WitnessCalculatorError?
    /// The lines the circuit sent to `printErrorMessage` before it calls `exceptionHandler`.
    var errorText = ""
    /// The items of the `log(...)` call being printed, joined by spaces as circom's runtime joins them.
    var logLine = ""
    var logHandler: (@Sendable (String) -> Void)?
    /// circom 1 imports its linear memory instead of exporting it; its `error` and `log` functions read it.
    var importedMemory: WasmKit.Memory?

    init(logHandler: (@Sendable (String) -> Void)?) {
        self.logHandler = logHandler
    }

    /// Forgets what an earlier calculation left, before the instance computes another witness.
    func reset(logHandler: (@Sendable (String) -> Void)?) {
        pendingError = nil
        errorText = ""
        logLine = ""
        self.logHandler = logHandler
    }

    /// Records `error` for the call in progress and returns it, for the host function to throw.
    func fail(_ error: WitnessCalculatorError) -> WitnessCalculatorError {
        if pendingError == nil { pendingError = error }
        return error
    }

    func emitLogLine() {
        logHandler?(logLine)
        logLine = ""
    }
}
