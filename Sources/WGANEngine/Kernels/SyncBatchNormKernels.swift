/// Batch normalisation of [rows, columns] over rows whose statistics come from elsewhere (the
/// sums of every rank's rows): the per-column sums a rank contributes, and the normalisation and
/// input gradient given the all-reduced sums. Sums are kept in Double, so that the mean and
/// variance from Σx and Σx² lose nothing a two-pass float computation would keep.
enum SyncBatchNormKernels {
    /// Writes Σx into `sums[0..<c]` and Σx² into `sums[c..<2c]` over the `n` rows of `x`.
    static func columnSums(_ x: TensorStorage, rows n: Int, columns c: Int, into sums: UnsafeMutableBufferPointer<Double>) {
        let px = x.pointer, ps = sums.baseAddress!
        for j in 0..<(2 * c) { ps[j] = 0 }
        for r in 0..<n {
            let row = px + r * c
            for j in 0..<c {
                let v = Double(row[j])
                ps[j] += v
                ps[c + j] += v * v
            }
        }
    }

    /// y = (x − mean)·invStd·γ + β.
    static func normalize(_ x: TensorStorage, rows n: Int, columns c: Int, mean: TensorStorage, invStd: TensorStorage,
                          weight: TensorStorage, bias: TensorStorage) -> TensorStorage {
        let out = TensorStorage(uninitializedCount: n * c)
        let px = x.pointer, py = out.pointer, pm = mean.pointer, pi = invStd.pointer, pw = weight.pointer, pb = bias.pointer
        for r in 0..<n {
            let row = px + r * c, dst = py + r * c
            for j in 0..<c { dst[j] = (row[j] - pm[j]) * pi[j] * pw[j] + pb[j] }
        }
        return out
    }

    /// Writes this rank's Σg into `sums[0..<c]` and Σg·x̂ into `sums[c..<2c]`, x̂ = (x − mean)·invStd.
    static func gradientSums(_ g: TensorStorage, _ x: TensorStorage, rows n: Int, columns c: Int, mean: TensorStorage,
                             invStd: TensorStorage, into sums: UnsafeMutableBufferPointer<Double>) {
        let pg = g.pointer, px = x.pointer, pm = mean.pointer, pi = invStd.pointer, ps = sums.baseAddress!
        for j in 0..<(2 * c) { ps[j] = 0 }
        for r in 0..<n {
            let gr = pg + r * c, xr = px + r * c
            for j in 0..<c {
                let gv = Double(gr[j])
                ps[j] += gv
                ps[c + j] += gv * Double((xr[j] - pm[j]) * pi[j])
            }
        }
    }

    /// dx = γ·invStd·(g − Σg/N − x̂·Σg·x̂/N) with the sums and N over every rank.
    static func inputGradient(_ g: TensorStorage, _ x: TensorStorage, rows n: Int, columns c: Int, total: Int, mean: TensorStorage,
                              invStd: TensorStorage, weight: TensorStorage, sums: UnsafeBufferPointer<Double>) -> TensorStorage {
        let dx = TensorStorage(uninitializedCount: n * c)
        let meanGrad = TensorStorage(uninitializedCount: c), meanGradX = TensorStorage(uninitializedCount: c)
        let pg = g.pointer, px = x.pointer, pm = mean.pointer, pi = invStd.pointer, pw = weight.pointer, pdx = dx.pointer
        let pa = meanGrad.pointer, pb = meanGradX.pointer
        for j in 0..<c {
            pa[j] = Float(sums[j] / Double(total))
            pb[j] = Float(sums[c + j] / Double(total))
        }
        for r in 0..<n {
            let gr = pg + r * c, xr = px + r * c, dr = pdx + r * c
            for j in 0..<c {
                let normalized = (xr[j] - pm[j]) * pi[j]
                dr[j] = pw[j] * pi[j] * (gr[j] - pa[j] - normalized * pb[j])
            }
        }
        return dx
    }
}
