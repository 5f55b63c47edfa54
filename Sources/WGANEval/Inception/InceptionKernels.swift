import WGANEngine

/// The Inception network's operations that training never needs: resizing, 3×3 pooling, joining
/// branches along the channels and the global average, forward only and with PyTorch's exact
/// semantics. Each works on NCHW storage and splits its output over the engine's threads; every
/// output element is computed by one thread in a fixed order, so results do not depend on the
/// thread count.
enum InceptionKernels {
    /// `x` [N, C, H, W] resized to [N, C, outH, outW] as `F.interpolate(mode="bilinear",
    /// align_corners=False)`: source coordinate (i + ½)·in/out − ½, clamped at 0, and the four
    /// neighbours weighted by distance (the far ones clamped to the last row or column).
    static func resizeBilinear(_ x: Tensor, height outH: Int, width outW: Int) -> Tensor {
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let rows = sourceTaps(count: outH, from: h), columns = sourceTaps(count: outW, from: w)
        let out = TensorStorage(uninitializedCount: n * c * outH * outW)
        let source = x.storage.pointer, target = out.pointer
        rows.withUnsafeBufferPointer { rows in
            columns.withUnsafeBufferPointer { columns in
                Parallel.forEachRange(n * c * outH) { range in
                    for line in range {
                        let (plane, i) = line.quotientAndRemainder(dividingBy: outH)
                        let r = rows[i]
                        let top = source + plane * h * w + r.first * w, bottom = source + plane * h * w + r.second * w
                        let row = target + line * outW
                        for j in 0..<outW {
                            let col = columns[j]
                            let upper = col.firstWeight * top[col.first] + col.secondWeight * top[col.second]
                            let lower = col.firstWeight * bottom[col.first] + col.secondWeight * bottom[col.second]
                            row[j] = r.firstWeight * upper + r.secondWeight * lower
                        }
                    }
                }
            }
        }
        return Tensor(storage: out, shape: [n, c, outH, outW])
    }

    /// For each of `count` output positions along an axis of `size`, the two source positions and
    /// their weights, as PyTorch's `area_pixel_compute_source_index` (float arithmetic).
    struct Tap { let first: Int, second: Int, firstWeight: Float, secondWeight: Float }

    static func sourceTaps(count: Int, from size: Int) -> [Tap] {
        let scale = Float(size) / Float(count)
        return (0..<count).map { i in
            let source = max(scale * (Float(i) + 0.5) - 0.5, 0)
            let first = Int(source)
            let second = first < size - 1 ? first + 1 : first
            let lambda = source - Float(first)
            return Tap(first: first, second: second, firstWeight: 1 - lambda, secondWeight: lambda)
        }
    }

    enum Pooling { case maximum, averageOfValid }

    /// 3×3 pooling of `x` [N, C, H, W] with `stride` and `padding`: the maximum (padding never
    /// wins, as PyTorch's −∞ padding), or the mean over the window's positions inside the image
    /// (`count_include_pad=False`).
    static func pool3x3(_ x: Tensor, _ kind: Pooling, stride: Int, padding: Int) -> Tensor {
        switch kind {
        case .maximum: pool3x3(x, MaximumPool.self, stride: stride, padding: padding)
        case .averageOfValid: pool3x3(x, AveragePool.self, stride: stride, padding: padding)
        }
    }

    /// One output row at a time: each of its (up to) three input rows is folded into the row's
    /// accumulators, the window's middle columns without bounds checks (vectorised), its edge
    /// columns with them; then the averages are divided by their windows' sizes.
    private static func pool3x3<Pool: PoolReduction>(_ x: Tensor, _: Pool.Type, stride: Int, padding: Int) -> Tensor {
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let outH = (h + 2 * padding - 3) / stride + 1, outW = (w + 2 * padding - 3) / stride + 1
        let out = TensorStorage(uninitializedCount: n * c * outH * outW)
        let source = UnsafePointer(x.storage.pointer), target = out.pointer
        // Output columns whose window lies inside the image: left = j·s − p ≥ 0 and left + 3 ≤ w.
        let firstInner = min((padding + stride - 1) / stride, outW)
        let endInner = w - 3 + padding >= 0 ? min((w - 3 + padding) / stride + 1, outW) : 0
        let inner = firstInner..<max(endInner, firstInner)
        @inline(__always) func foldWithBounds(_ pixels: UnsafePointer<Float>, into row: UnsafeMutablePointer<Float>, column j: Int) {
            for s in max(j * stride - padding, 0)..<min(j * stride - padding + 3, w) { row[j] = Pool.combine(row[j], pixels[s]) }
        }
        Parallel.forEachRange(n * c * outH) { lines in
            for line in lines {
                let (plane, i) = line.quotientAndRemainder(dividingBy: outH)
                let image = source + plane * h * w, row = target + line * outW
                let top = max(i * stride - padding, 0), bottom = min(i * stride - padding + 3, h)
                row.update(repeating: Pool.identity, count: outW)
                for r in top..<bottom {
                    let pixels = image + r * w
                    for j in inner {
                        let left = j * stride - padding
                        row[j] = Pool.combine(row[j], Pool.combine(Pool.combine(pixels[left], pixels[left + 1]), pixels[left + 2]))
                    }
                    for j in 0..<inner.lowerBound { foldWithBounds(pixels, into: row, column: j) }
                    for j in inner.upperBound..<outW { foldWithBounds(pixels, into: row, column: j) }
                }
                if Pool.dividesByCount {
                    for j in 0..<outW {
                        let columns = min(j * stride - padding + 3, w) - max(j * stride - padding, 0)
                        row[j] /= Float((bottom - top) * columns)
                    }
                }
            }
        }
        return Tensor(storage: out, shape: [n, c, outH, outW])
    }

    /// relu(y + bias[c]) over y [N, C, H, W], written over y's own storage: `y` must be an op's
    /// fresh output that nothing else holds (a convolution's, outside any recorded graph), so that
    /// BatchNorm's shift and the ReLU read it once instead of twice. NaN stays NaN.
    static func addBiasAndReLUInPlace(_ y: Tensor, bias: Tensor) -> Tensor {
        let (channels, plane) = (y.shape[1], y.shape[2] * y.shape[3])
        let values = y.storage.pointer, shift = UnsafePointer(bias.storage.pointer)
        Parallel.forEachRange(y.count) { range in
            var start = range.lowerBound
            while start < range.upperBound {
                let planeIndex = start / plane, end = min(range.upperBound, (planeIndex + 1) * plane)
                let b = shift[planeIndex % channels]
                for k in start..<end {
                    let v = values[k] + b
                    values[k] = v < 0 ? 0 : v
                }
                start = end
            }
        }
        return y
    }

    /// `parts` [N, Cᵢ, H, W] joined along the channels, in order (`torch.cat(dim=1)`).
    static func concatenateChannels(_ parts: [Tensor]) -> Tensor {
        let (n, h, w) = (parts[0].shape[0], parts[0].shape[2], parts[0].shape[3])
        let channels = parts.reduce(0) { $0 + $1.shape[1] }
        let out = TensorStorage(uninitializedCount: n * channels * h * w)
        var offset = 0
        for part in parts {
            precondition(part.shape[0] == n && part.shape[2] == h && part.shape[3] == w, "branches \(part.shape) and \(parts[0].shape)")
            let block = part.shape[1] * h * w, stride = channels * h * w, source = part.storage.pointer, target = out.pointer + offset
            for sample in 0..<n { (target + sample * stride).update(from: source + sample * block, count: block) }
            offset += block
        }
        return Tensor(storage: out, shape: [n, channels, h, w])
    }

    /// The mean of each plane of `x` [N, C, H, W]: [N, C], accumulated in double.
    static func planeMeans(_ x: Tensor) -> Tensor {
        let (planes, size) = (x.shape[0] * x.shape[1], x.shape[2] * x.shape[3])
        let out = TensorStorage(uninitializedCount: planes)
        let source = x.storage.pointer
        for plane in 0..<planes {
            var total = 0.0
            for k in 0..<size { total += Double(source[plane * size + k]) }
            out.pointer[plane] = Float(total / Double(size))
        }
        return Tensor(storage: out, shape: [x.shape[0], x.shape[1]])
    }
}

/// How a pooling window folds its values: `pool3x3`'s inner loop, specialised per kind.
private protocol PoolReduction {
    static var identity: Float { get }
    static func combine(_ a: Float, _ b: Float) -> Float
    static var dividesByCount: Bool { get }
}

/// Max pooling: the padding never wins, as PyTorch's −∞ padding.
private enum MaximumPool: PoolReduction {
    static var identity: Float { -.infinity }
    @inline(__always) static func combine(_ a: Float, _ b: Float) -> Float { max(a, b) }
    static var dividesByCount: Bool { false }
}

/// Average pooling over the window's positions inside the image (`count_include_pad=False`).
private enum AveragePool: PoolReduction {
    static var identity: Float { 0 }
    @inline(__always) static func combine(_ a: Float, _ b: Float) -> Float { a + b }
    static var dividesByCount: Bool { true }
}
