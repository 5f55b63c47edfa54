public enum TensorFormatsPlaceholder {}
