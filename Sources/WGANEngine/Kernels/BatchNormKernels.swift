/// Batch normalisation of [rows, columns] over rows, one column per feature. Columns are
/// independent, so each call splits them across `Parallel.threads`; within a block of columns
/// the loops run along rows with the columns innermost, each a contiguous, vectorisable sweep.
enum BatchNormKernels {
    struct Statistics {
        let mean: TensorStorage, variance: TensorStorage, invStd: TensorStorage
    }

    /// Splits the columns into blocks (multiples of 16) and runs `body` on each.
    private static func forEachColumnBlock(rows n: Int, columns c: Int, _ body: (Range<Int>) -> Void) {
        let parts = Parallel.parts(forWork: n * c, minimum: Parallel.minimumChunk)
        Parallel.run(parts: parts) { part in body(Parallel.chunk(part, of: parts, count: c)) }
    }

    /// y = (x − mean)·invStd·γ + β with the batch's mean and biased variance (two passes, for
    /// accuracy); returns y and the statistics.
    static func forward(_ x: TensorStorage, rows n: Int, columns c: Int, eps: Float,
                        weight: TensorStorage, bias: TensorStorage) -> (TensorStorage, Statistics) {
        let mean = TensorStorage(count: c, repeating: 0), variance = TensorStorage(count: c, repeating: 0)
        let invStd = TensorStorage(uninitializedCount: c)
        let out = TensorStorage(uninitializedCount: n * c)
        let px = x.pointer, py = out.pointer, pm = mean.pointer, pv = variance.pointer, pi = invStd.pointer
        let pw = weight.pointer, pb = bias.pointer
        forEachColumnBlock(rows: n, columns: c) { columns in
            // Double accumulators (as PyTorch's CPU kernels): a generator's 32×32 maps give
            // tens of thousands of rows, where float sums lose digits the backward pass needs.
            let acc = UnsafeMutablePointer<Double>.allocate(capacity: columns.count)
            defer { acc.deallocate() }
            let base = columns.lowerBound
            acc.initialize(repeating: 0, count: columns.count)
            for r in 0..<n {
                let row = px + r * c
                for j in columns { acc[j - base] += Double(row[j]) }
            }
            for j in columns { pm[j] = Float(acc[j - base] / Double(n)) }
            acc.update(repeating: 0, count: columns.count)
            for r in 0..<n {
                let row = px + r * c
                for j in columns { let d = row[j] - pm[j]; acc[j - base] += Double(d * d) }
            }
            for j in columns {
                let v = acc[j - base] / Double(n)
                pv[j] = Float(v)
                pi[j] = Float(1 / (v + Double(eps)).squareRoot())
            }
            // y = x·a + b with a = invStd·γ and b = β − mean·a, as PyTorch's CPU kernel writes it.
            for j in columns {
                let a = pi[j] * pw[j]
                acc[j - base] = Double(a)
            }
            for r in 0..<n {
                let row = px + r * c, dst = py + r * c
                for j in columns {
                    let a = Float(acc[j - base])
                    dst[j] = row[j] * a + (pb[j] - pm[j] * a)
                }
            }
        }
        return (out, Statistics(mean: mean, variance: variance, invStd: invStd))
    }

    /// With x̂ = (x − mean)·invStd: dβ = Σg, dγ = Σg·x̂, dx = γ·invStd·(g − dβ/N − x̂·dγ/N).
    static func backward(_ g: TensorStorage, _ x: TensorStorage, rows n: Int, columns c: Int, statistics: Statistics,
                         weight: TensorStorage) -> (TensorStorage, TensorStorage, TensorStorage) {
        let dWeight = TensorStorage(count: c, repeating: 0), dBias = TensorStorage(count: c, repeating: 0)
        let dx = TensorStorage(uninitializedCount: n * c)
        let pg = g.pointer, px = x.pointer, pm = statistics.mean.pointer, pi = statistics.invStd.pointer
        let pw = weight.pointer, pdw = dWeight.pointer, pdb = dBias.pointer, pdx = dx.pointer
        let scale = 1 / Float(n)
        forEachColumnBlock(rows: n, columns: c) { columns in
            let base = columns.lowerBound
            let sums = UnsafeMutablePointer<Double>.allocate(capacity: 2 * columns.count)
            defer { sums.deallocate() }
            sums.initialize(repeating: 0, count: 2 * columns.count)
            let sumG = sums, sumGX = sums + columns.count
            for r in 0..<n {
                let gr = pg + r * c, xr = px + r * c
                for j in columns {
                    sumG[j - base] += Double(gr[j])
                    sumGX[j - base] += Double(gr[j] * (xr[j] - pm[j]) * pi[j])
                }
            }
            for j in columns { (pdb[j], pdw[j]) = (Float(sumG[j - base]), Float(sumGX[j - base])) }
            for r in 0..<n {
                let gr = pg + r * c, xr = px + r * c, dr = pdx + r * c
                for j in columns {
                    let normalized = (xr[j] - pm[j]) * pi[j]
                    dr[j] = pw[j] * pi[j] * (gr[j] - pdb[j] * scale - normalized * pdw[j] * scale)
                }
            }
        }
        return (dx, dWeight, dBias)
    }
}
