public enum WGANOptimPlaceholder {}
