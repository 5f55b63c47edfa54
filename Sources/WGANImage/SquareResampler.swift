/// Turns a decoded picture of any size and layout into a model's training image: its central
/// square, resampled to `side`×`side`, as `channels` planes of bytes (C×H×W).
///
/// Shrinking averages every source pixel a target pixel covers, weighted by the area covered
/// (a box filter, like PIL's `Image.reduce`/OpenCV's `INTER_AREA`), so fine detail cannot alias
/// into patterns; enlarging interpolates linearly between the nearest source pixels. Both run
/// as a horizontal then a vertical pass over float planes.
///
/// Colour: grey is repeated into R, G and B; RGB becomes grey by ITU-R 601 luma
/// (0.299 R + 0.587 G + 0.114 B, PIL's `convert("L")`); alpha is composited over white, so that
/// the transparent background of an icon is white rather than whatever its hidden colour was.
public enum SquareResampler {
    /// The planes of `bitmap` as described above.
    ///
    /// - Precondition: `side >= 1`, `channels` is 1 or 3.
    public static func planes(of bitmap: Bitmap, side: Int, channels: Int) -> [UInt8] {
        precondition(side >= 1 && (channels == 1 || channels == 3), "side \(side), channels \(channels)")
        let square = min(bitmap.width, bitmap.height)
        let left = (bitmap.width - square) / 2, top = (bitmap.height - square) / 2
        let source = floatPlanes(of: bitmap, left: left, top: top, square: square, channels: channels)
        let taps = weights(from: square, to: side)
        var out = [UInt8](repeating: 0, count: channels * side * side)
        var rows = [Float](repeating: 0, count: square * side)
        source.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { out in
                rows.withUnsafeMutableBufferPointer { rows in
                    for c in 0..<channels {
                        let plane = source.baseAddress! + c * square * square
                        // Horizontal: every source row to `side` columns.
                        for y in 0..<square {
                            for (x, tap) in taps.enumerated() {
                                var sum: Float = 0
                                for (k, w) in tap.weights.enumerated() { sum += w * plane[y * square + tap.start + k] }
                                rows[y * side + x] = sum
                            }
                        }
                        // Vertical: `side` rows from the column sums.
                        let target = out.baseAddress! + c * side * side
                        for (y, tap) in taps.enumerated() {
                            for x in 0..<side {
                                var sum: Float = 0
                                for (k, w) in tap.weights.enumerated() { sum += w * rows[(tap.start + k) * side + x] }
                                target[y * side + x] = UInt8(max(0, min(255, sum.rounded())))
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// The central `square`×`square` of `bitmap` as `channels` float planes (0–255), colour
    /// converted and alpha composited over white.
    static func floatPlanes(of bitmap: Bitmap, left: Int, top: Int, square: Int, channels: Int) -> [Float] {
        var planes = [Float](repeating: 0, count: channels * square * square)
        let plane = square * square, stride = bitmap.channels
        let hasAlpha = stride == 2 || stride == 4, colour = stride >= 3
        bitmap.pixels.withUnsafeBufferPointer { pixels in
            planes.withUnsafeMutableBufferPointer { planes in
                for y in 0..<square {
                    for x in 0..<square {
                        let p = ((top + y) * bitmap.width + left + x) * stride
                        var r = Float(pixels[p]), g = r, b = r
                        if colour { g = Float(pixels[p + 1]); b = Float(pixels[p + 2]) }
                        if hasAlpha {
                            let a = Float(pixels[p + stride - 1]) / 255, white = 255 * (1 - a)
                            r = r * a + white; g = g * a + white; b = b * a + white
                        }
                        let i = y * square + x
                        if channels == 3 {
                            planes[i] = r; planes[plane + i] = g; planes[2 * plane + i] = b
                        } else {
                            planes[i] = colour ? 0.299 * r + 0.587 * g + 0.114 * b : r
                        }
                    }
                }
            }
        }
        return planes
    }

    /// For each of `m` target pixels along an axis of `n` source pixels: the first source pixel
    /// it reads and the weights of it and those after it (summing to 1).
    static func weights(from n: Int, to m: Int) -> [(start: Int, weights: [Float])] {
        let scale = Double(n) / Double(m)
        return (0..<m).map { i in
            if scale >= 1 {
                // The target pixel covers [i·scale, (i + 1)·scale) of the source.
                let low = Double(i) * scale, high = Double(i + 1) * scale
                let first = Int(low), last = min(n - 1, Int((high - 1e-9).rounded(.down)))
                let weights = (first...last).map { j in
                    Float((min(high, Double(j + 1)) - max(low, Double(j))) / scale)
                }
                return (first, weights)
            }
            // Linear interpolation at the target pixel's centre, clamped at the edges.
            let centre = min(max((Double(i) + 0.5) * scale - 0.5, 0), Double(n - 1))
            let first = min(Int(centre), max(n - 2, 0))
            let fraction = Float(centre - Double(first))
            return n == 1 ? (0, [1]) : (first, [1 - fraction, fraction])
        }
    }
}
