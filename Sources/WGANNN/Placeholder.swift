public enum WGANNNPlaceholder {}
