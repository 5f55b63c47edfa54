/// 2× resampling of NCHW images: nearest-neighbour upsampling (each pixel repeated into a 2×2
/// block, PyTorch's `repeat_interleave(2)` on both axes) and 2×2 pooling (the sum or mean of each
/// 2×2 block, the ResNet's `mean_pool`). With the same scale s, pooling and upsampling are each
/// other's adjoints:
///
///     pool_s(x)[i, j] = s·Σ x[2i + a, 2j + b]      backward: upsample_s(g)
///     upsample_s(x)[i, j] = s·x[i / 2, j / 2]      backward: pool_s(g)
///
/// so the pair is closed under differentiation and differentiable to any order.
extension Tensor {
    /// Nearest-neighbour 2× upsampling: [N, C, H, W] → [N, C, 2H, 2W]. Backward: 2×2 sum pooling.
    public func upsampledNearest2x() -> Tensor { upsampled2x(scale: 1) }

    /// The sum of each 2×2 block: [N, C, H, W] → [N, C, H/2, W/2] (H and W even). Backward:
    /// nearest-neighbour upsampling.
    public func sumPooled2x2() -> Tensor { pooled2x2(scale: 1) }

    /// The mean of each 2×2 block (average pooling, kernel 2, stride 2): [N, C, H, W] →
    /// [N, C, H/2, W/2] (H and W even). Backward: upsampling scaled by 1/4.
    public func meanPooled2x2() -> Tensor { pooled2x2(scale: 0.25) }

    /// Each 2×2 block's sum times `scale`.
    func pooled2x2(scale: Float) -> Tensor {
        precondition(rank == 4 && shape[2] % 2 == 0 && shape[3] % 2 == 0,
                     "2×2 pooling needs [N, C, H, W] with even H and W, not \(shape)")
        let (planes, h, w) = (shape[0] * shape[1], shape[2], shape[3])
        let (oh, ow) = (h / 2, w / 2)
        let out = TensorStorage(uninitializedCount: planes * oh * ow)
        let src = UnsafePointer(storage.pointer), dst = out.pointer
        Layout.forEachItem(planes, itemSize: h * w) { range in
            for p in range {
                let s = src + p * h * w, d = dst + p * oh * ow
                for i in 0..<oh {
                    let top = s + 2 * i * w, bottom = top + w, row = d + i * ow
                    for j in 0..<ow {
                        row[j] = (top[2 * j] + bottom[2 * j] + top[2 * j + 1] + bottom[2 * j + 1]) * scale
                    }
                }
            }
        }
        return .result(out, shape: [shape[0], shape[1], oh, ow], op: scale == 1 ? "sumPool2x2" : "meanPool2x2",
                       inputs: [self]) { g, _ in [g.upsampled2x(scale: scale)] }
    }

    /// Each pixel repeated into a 2×2 block, times `scale`.
    func upsampled2x(scale: Float) -> Tensor {
        precondition(rank == 4, "2× upsampling needs [N, C, H, W], not \(shape)")
        let (planes, h, w) = (shape[0] * shape[1], shape[2], shape[3])
        let ow = 2 * w
        let out = TensorStorage(uninitializedCount: planes * 4 * h * w)
        let src = UnsafePointer(storage.pointer), dst = out.pointer
        Layout.forEachItem(planes, itemSize: 4 * h * w) { range in
            for p in range {
                let s = src + p * h * w, d = dst + p * 4 * h * w
                for i in 0..<h {
                    let row = s + i * w, top = d + 2 * i * ow, bottom = top + ow
                    for j in 0..<w {
                        let v = row[j] * scale
                        top[2 * j] = v; top[2 * j + 1] = v
                    }
                    bottom.update(from: top, count: ow)
                }
            }
        }
        return .result(out, shape: [shape[0], shape[1], 2 * h, ow], op: scale == 1 ? "upsample2x" : "upsample2xScaled",
                       inputs: [self]) { g, _ in [g.pooled2x2(scale: scale)] }
    }

    /// The mean over the spatial axes: [N, C, H, W] → [N, C] (the ResNet critic's global pooling).
    public func spatialMean() -> Tensor {
        precondition(rank == 4, "spatialMean needs [N, C, H, W], not \(shape)")
        return mean(axes: [2, 3])
    }
}
