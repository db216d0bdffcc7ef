import Testing
@testable import BN254
@Test func smoke() { #expect(Bool(true)) }
