/// torchvision's conversion of float pixels to bytes, reproduced operation for operation in
/// `Float` so that every byte matches.
///
/// With `normalize` (and no `value_range`), `make_grid` takes the minimum and maximum of the
/// whole batch, clamps to them, subtracts the minimum and divides by `max(max − min, 1e-5)`, that
/// difference being taken in double precision (Python floats) and then used as a float32 scalar.
/// `save_image` then computes `x · 255 + 0.5`, clamps to [0, 255] and truncates to `UInt8`.
///
/// Non-finite values, where torchvision's result is undefined, are handled so as never to trap:
/// the minimum and maximum are taken over the finite values only, ±∞ clamp to the ends, and NaN
/// becomes 0.
struct ByteQuantizer {
    private let normalize: Bool
    private let low: Float
    private let high: Float
    private let range: Float

    /// A conversion for `values`; they are scanned for their extremes only when `normalize` is set.
    init(values: UnsafeBufferPointer<Float>, normalize: Bool) {
        self.normalize = normalize
        var low = Float.infinity, high = -Float.infinity
        if normalize {
            for value in values where value.isFinite {
                low = Swift.min(low, value)
                high = Swift.max(high, value)
            }
        }
        if low > high { (low, high) = (0, 0) }
        self.low = low
        self.high = high
        range = Float(Swift.max(Double(high) - Double(low), 1e-5))
    }

    /// The byte `save_image` writes for a grid value `value` (after normalisation if enabled).
    @inline(__always)
    func byte(_ value: Float) -> UInt8 {
        guard normalize else { return Self.toByte(value) }
        guard !value.isNaN else { return 0 }
        return Self.toByte((Swift.min(Swift.max(value, low), high) - low) / range)
    }

    /// `x.mul(255).add_(0.5).clamp_(0, 255)` then truncation, as `save_image` does. Written as two
    /// separately rounded operations on purpose: a fused multiply-add could change a byte.
    @inline(__always)
    static func toByte(_ value: Float) -> UInt8 {
        let scaled = value * 255
        let shifted = scaled + 0.5
        guard shifted >= 0 else { return 0 }  // also NaN
        return shifted >= 255 ? 255 : UInt8(shifted)
    }
}
