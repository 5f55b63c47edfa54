public enum WGANDataPlaceholder {}
