public enum BN254Placeholder2 {}
