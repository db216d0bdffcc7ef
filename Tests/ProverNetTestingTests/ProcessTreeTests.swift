import Testing

@testable import ProverNetTesting

/// Reading a parent process id from `/proc/PID/stat`, whose command name may hold spaces and parentheses.
struct ProcessTreeTests {
    @Test(arguments: [
        ("1234 (provernet) S 99 1234 1234 0 -1", Int32(99)),
        ("77 (a (weird) name) R 5 77 77", Int32(5)),
        ("8 (x) Z", nil),
        ("no parenthesis", nil),
    ])
    func theParentIsTheFieldAfterTheState(_ stat: String, _ parent: Int32?) {
        #expect(ProcessTree.parent(fromStat: stat) == parent)
    }
}
