import Testing
@testable import Market
@Test func smoke() { #expect(Bool(true)) }
