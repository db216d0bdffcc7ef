import Testing
@Test func circomPlaceholder() { #expect(Bool(true)) }
