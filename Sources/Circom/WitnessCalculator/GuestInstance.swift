import BN254
import WasmKit

/// An instantiated witness generator: its exported functions by name, called with i32 arguments, with every
/// failure turned into a `WitnessCalculatorError`.
struct GuestInstance {
    let instance: Instance
    let state: GuestState
    let interfaceName: String
    /// One interpreter stack for all of this instance's top-level calls: allocating the engine's 8 MiB
    /// afresh for each of the thousands of calls a witness takes would cost more than the calls. Host
    /// functions that call back into the module (`getMessageChar`) use stacks of their own.
    let stack: CallStack

    /// Owns the stack that `Function.invoke(_:on:)` borrows; used by one thread at a time.
    final class CallStack {
        var stack: ExecutionStack
        init(engine: Engine) { stack = ExecutionStack(engine: engine) }
    }

    /// Instantiates `module` in a fresh store with `imports` built by the caller.
    init(
        module: Module, engine: Engine, interfaceName: String, state: GuestState,
        imports: (Store) throws(WitnessCalculatorError) -> Imports
    ) throws(WitnessCalculatorError) {
        let store = Store(engine: engine)
        let imports = try imports(store)
        do {
            instance = try module.instantiate(store: store, imports: imports)
        } catch {
            state.importedMemory = nil
            throw .invalidWasm(reason: "instantiation failed: \(error)")
        }
        self.state = state
        self.interfaceName = interfaceName
        self.stack = CallStack(engine: engine)
    }

    func function(_ name: String) throws(WitnessCalculatorError) -> Function {
        guard let function = instance.exports[function: name] else {
            throw .missingExport(name: name, interface: interfaceName)
        }
        return function
    }

    /// Calls an export that returns nothing.
    func call(_ name: String, _ arguments: UInt32...) throws(WitnessCalculatorError) {
        _ = try invoke(try function(name), name: name, arguments)
    }

    /// Calls an export that returns one i32.
    func callI32(_ name: String, _ arguments: UInt32...) throws(WitnessCalculatorError) -> UInt32 {
        try Self.i32Result(try invoke(try function(name), name: name, arguments), name: name)
    }

    /// Calls a resolved export (for the calls in a loop) that returns one i32 or nothing (then 0).
    func invoke(_ function: Function, name: String, _ arguments: [UInt32]) throws(WitnessCalculatorError) -> [Value] {
        do {
            return try function.invoke(arguments.map { .i32($0) }, on: &stack.stack)
        } catch {
            if let pending = state.pendingError {
                state.pendingError = nil
                throw pending
            }
            if let own = error as? WitnessCalculatorError { throw own }
            throw .trap(function: name, reason: "\(error)")
        }
    }

    static func i32Result(_ results: [Value], name: String) throws(WitnessCalculatorError) -> UInt32 {
        guard results.count == 1, case .i32(let value) = results[0] else {
            throw .protocolViolation("\(name) returned \(results) instead of one i32")
        }
        return value
    }
}
