/// Batch normalisation of [rows, columns] over rows, one column per feature. Loops run along
/// rows with the columns innermost, so each pass is a contiguous, vectorisable sweep.
enum BatchNormKernels {
    struct Statistics {
        let mean: TensorStorage, variance: TensorStorage, invStd: TensorStorage
    }

    /// Batch mean, biased variance (two passes, for accuracy) and 1/√(variance + eps).
    static func statistics(_ x: TensorStorage, rows n: Int, columns c: Int, eps: Float) -> Statistics {
        let mean = TensorStorage(count: c, repeating: 0), variance = TensorStorage(count: c, repeating: 0)
        let invStd = TensorStorage(uninitializedCount: c)
        let px = x.pointer, pm = mean.pointer, pv = variance.pointer, pi = invStd.pointer
        for r in 0..<n {
            let row = px + r * c
            for j in 0..<c { pm[j] += row[j] }
        }
        let scale = 1 / Float(n)
        for j in 0..<c { pm[j] *= scale }
        for r in 0..<n {
            let row = px + r * c
            for j in 0..<c { let d = row[j] - pm[j]; pv[j] += d * d }
        }
        for j in 0..<c {
            pv[j] *= scale
            pi[j] = 1 / (pv[j] + eps).squareRoot()
        }
        return Statistics(mean: mean, variance: variance, invStd: invStd)
    }

    /// y = (x − mean)·invStd·γ + β.
    static func normalize(_ x: TensorStorage, rows n: Int, columns c: Int, mean: TensorStorage, invStd: TensorStorage,
                          weight: TensorStorage, bias: TensorStorage) -> TensorStorage {
        let out = TensorStorage(uninitializedCount: n * c)
        let px = x.pointer, py = out.pointer, pm = mean.pointer, pi = invStd.pointer
        let pw = weight.pointer, pb = bias.pointer
        for r in 0..<n {
            let row = px + r * c, dst = py + r * c
            for j in 0..<c { dst[j] = (row[j] - pm[j]) * pi[j] * pw[j] + pb[j] }
        }
        return out
    }

    /// With x̂ = (x − mean)·invStd: dβ = Σg, dγ = Σg·x̂, dx = γ·invStd·(g − dβ/N − x̂·dγ/N).
    static func backward(_ g: TensorStorage, _ x: TensorStorage, rows n: Int, columns c: Int, mean: TensorStorage,
                         invStd: TensorStorage, weight: TensorStorage) -> (TensorStorage, TensorStorage, TensorStorage) {
        let dWeight = TensorStorage(count: c, repeating: 0), dBias = TensorStorage(count: c, repeating: 0)
        let dx = TensorStorage(uninitializedCount: n * c)
        let pg = g.pointer, px = x.pointer, pm = mean.pointer, pi = invStd.pointer, pw = weight.pointer
        let pdw = dWeight.pointer, pdb = dBias.pointer, pdx = dx.pointer
        for r in 0..<n {
            let gr = pg + r * c, xr = px + r * c
            for j in 0..<c {
                pdb[j] += gr[j]
                pdw[j] += gr[j] * (xr[j] - pm[j]) * pi[j]
            }
        }
        let scale = 1 / Float(n)
        for r in 0..<n {
            let gr = pg + r * c, xr = px + r * c, dr = pdx + r * c
            for j in 0..<c {
                let normalized = (xr[j] - pm[j]) * pi[j]
                dr[j] = pw[j] * pi[j] * (gr[j] - pdb[j] * scale - normalized * pdw[j] * scale)
            }
        }
        return (dx, dWeight, dBias)
    }
}
