public enum MarketPlaceholder {}
