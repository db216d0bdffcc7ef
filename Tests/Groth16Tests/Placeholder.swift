import Testing
@Test func groth16Placeholder() { #expect(Bool(true)) }
