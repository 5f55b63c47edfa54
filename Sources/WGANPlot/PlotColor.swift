/// An sRGB colour with opacity, each channel in [0, 1].
public struct PlotColor: Equatable, Sendable {
    public var red, green, blue, alpha: Double

    public init(red: Double, green: Double, blue: Double, alpha: Double = 1) {
        (self.red, self.green, self.blue, self.alpha) = (red, green, blue, alpha)
    }

    /// A colour from a 24-bit hex value, 0xRRGGBB.
    public init(hex: UInt32, alpha: Double = 1) {
        self.init(red: Double((hex >> 16) & 0xFF) / 255, green: Double((hex >> 8) & 0xFF) / 255,
                  blue: Double(hex & 0xFF) / 255, alpha: alpha)
    }

    public func withAlpha(_ alpha: Double) -> PlotColor { PlotColor(red: red, green: green, blue: blue, alpha: alpha) }

    // matplotlib's "tab10" colours, which PyTorch users know from their own plots.
    public static let blue = PlotColor(hex: 0x1F77B4)
    public static let orange = PlotColor(hex: 0xFF7F0E)
    public static let green = PlotColor(hex: 0x2CA02C)
    public static let red = PlotColor(hex: 0xD62728)
    public static let purple = PlotColor(hex: 0x9467BD)
    public static let brown = PlotColor(hex: 0x8C564B)
    public static let pink = PlotColor(hex: 0xE377C2)
    public static let gray = PlotColor(hex: 0x7F7F7F)
    public static let olive = PlotColor(hex: 0xBCBD22)
    public static let cyan = PlotColor(hex: 0x17BECF)
    public static let black = PlotColor(hex: 0x000000)
    public static let white = PlotColor(hex: 0xFFFFFF)
    public static let grid = PlotColor(hex: 0xE5E5E5)

    /// The series colours in order, as matplotlib cycles them.
    public static let cycle: [PlotColor] = [.blue, .orange, .green, .red, .purple, .brown, .pink, .gray, .olive, .cyan]
}

/// A perceptually uniform colour map: matplotlib's viridis, interpolated between nine of its stops.
public enum Colormap: Sendable {
    case viridis

    // Decoded once: a 128×128 field asks for 16,384 colours.
    private static let viridisStops: [PlotColor] =
        [0x440154, 0x472D7B, 0x3B528B, 0x2C728E, 0x21918C, 0x28AE80, 0x5EC962, 0xADDC30, 0xFDE725].map { PlotColor(hex: $0) }

    /// The colour at `t` in [0, 1] (clamped; NaN maps to 0).
    public func color(at t: Double) -> PlotColor {
        let stops = Self.viridisStops
        let clamped = t.isNaN ? 0 : min(1, max(0, t))
        let position = clamped * Double(stops.count - 1)
        let i = min(stops.count - 2, Int(position)), f = position - Double(i)
        let a = stops[i], b = stops[i + 1]
        return PlotColor(red: a.red + (b.red - a.red) * f, green: a.green + (b.green - a.green) * f, blue: a.blue + (b.blue - a.blue) * f)
    }
}
