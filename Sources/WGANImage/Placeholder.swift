public enum WGANImagePlaceholder {}
