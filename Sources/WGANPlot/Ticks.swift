import Foundation

/// How an axis maps values to positions.
public enum AxisScale: Sendable {
    case linear
    /// Base 10; values at or below zero are left out.
    case log
}

/// Axis limits and "nice" tick positions (steps of 1, 2 or 5 times a power of ten; decades on a
/// log axis), as plotting libraries choose them.
public enum Ticks {
    /// About `target` ticks covering [low, high], at multiples of a nice step.
    public static func linear(low: Double, high: Double, target: Int = 6) -> [Double] {
        guard low.isFinite, high.isFinite, high > low else { return low.isFinite ? [low] : [] }
        let rough = (high - low) / Double(max(1, target - 1))
        let magnitude = pow(10, floor(log10(rough)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= rough } ?? 10 * magnitude
        let first = ceil(low / step - 1e-9) * step
        var ticks: [Double] = []
        var value = first
        while value <= high + step * 1e-9 && ticks.count < 100 {
            // 3 × 0.2 is 0.6000000000000001 in binary: keep twelve significant digits.
            ticks.append(abs(value) < step * 1e-9 ? 0 : Double(String(format: "%.12g", value)) ?? value)
            value = first + Double(ticks.count) * step
        }
        return ticks
    }

    /// The powers of ten in [low, high] (both positive); at least the two around a narrow range.
    public static func log(low: Double, high: Double) -> [Double] {
        guard low > 0, high >= low, low.isFinite, high.isFinite else { return [] }
        let first = Int(floor(log10(low) + 1e-9)), last = Int(ceil(log10(high) - 1e-9))
        let stride = max(1, (last - first) / 8)
        return Swift.stride(from: first, through: max(last, first + 1), by: stride).map { pow(10, Double($0)) }
    }

    /// Limits padded by 5% on each side, or a unit range around a single value.
    public static func paddedLimits(_ values: [Double], scale: AxisScale) -> (Double, Double) {
        let usable = values.filter { $0.isFinite && (scale == .linear || $0 > 0) }
        guard let low = usable.min(), let high = usable.max() else { return scale == .log ? (1, 10) : (0, 1) }
        switch scale {
        case .linear:
            if high == low { return (low - max(1, abs(low) * 0.1), high + max(1, abs(high) * 0.1)) }
            let pad = (high - low) * 0.05
            return (low - pad, high + pad)
        case .log:
            if high == low { return (low / 10, high * 10) }
            let pad = pow(high / low, 0.05)
            return (low / pad, high * pad)
        }
    }

    /// A short label: "0.5", "20", "1e-05", "3e+04".
    public static func label(_ value: Double) -> String {
        if value == 0 { return "0" }
        let magnitude = abs(value)
        if magnitude >= 1e5 || magnitude < 1e-3 { return String(format: "%.0e", value) }
        var text = String(format: "%.4f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
