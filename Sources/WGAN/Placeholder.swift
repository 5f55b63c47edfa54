public enum WGANPlaceholder {}
