extension Tensor {
    /// Training-mode batch normalisation of [N, C] over the rows of every rank together
    /// (a SyncBatchNorm): as `batchNorm` on the concatenation of all ranks' batches, so that N
    /// ranks each holding a shard normalise exactly as one process holding the whole batch.
    ///
    /// The forward pass all-reduces each feature's Σx, Σx² and the row count; the backward pass
    /// all-reduces Σg and Σg·x̂ for the input's gradient, and returns γ's and β's gradients from
    /// this rank's rows alone (they are summed with the other parameters' gradients later).
    /// First order only: its backward is not recorded for a further derivative (the penalty
    /// differentiates the critic only, which has no batch normalisation).
    ///
    /// Returns the output, and the mean and biased variance over every rank (constants, for
    /// running statistics) with the total row count.
    public func syncBatchNorm(weight: Tensor, bias: Tensor, eps: Float,
                              communicator: Communicator) -> (output: Tensor, mean: Tensor, variance: Tensor, count: Int) {
        precondition(rank == 2 && weight.shape == [shape[1]] && bias.shape == [shape[1]],
                     "syncBatchNorm: input \(shape), weight \(weight.shape), bias \(bias.shape) do not fit")
        let (n, c) = (shape[0], shape[1])
        var sums = [Double](repeating: 0, count: 2 * c + 1)
        sums.withUnsafeMutableBufferPointer { buffer in
            SyncBatchNormKernels.columnSums(storage, rows: n, columns: c, into: buffer)
            buffer[2 * c] = Double(n)
            communicator.allReduceSum(buffer)
        }
        let total = Int(sums[2 * c])
        let mean = TensorStorage(uninitializedCount: c), variance = TensorStorage(uninitializedCount: c)
        let invStd = TensorStorage(uninitializedCount: c)
        for j in 0..<c {
            let m = sums[j] / Double(total)
            let v = max(sums[c + j] / Double(total) - m * m, 0)
            mean.pointer[j] = Float(m)
            variance.pointer[j] = Float(v)
            invStd.pointer[j] = Float(1 / (v + Double(eps)).squareRoot())
        }
        let out = SyncBatchNormKernels.normalize(storage, rows: n, columns: c, mean: mean, invStd: invStd,
                                                 weight: weight.storage, bias: bias.storage)
        let x = self
        let y = Tensor.result(out, shape: shape, op: "syncBatchNorm", inputs: [x, weight, bias]) { g, needs in
            var gradientSums = [Double](repeating: 0, count: 2 * c)
            gradientSums.withUnsafeMutableBufferPointer { buffer in
                SyncBatchNormKernels.gradientSums(g.storage, x.storage, rows: n, columns: c, mean: mean, invStd: invStd, into: buffer)
            }
            let dBias = Tensor(gradientSums[0..<c].map { Float($0) }, shape: [c])
            let dWeight = Tensor(gradientSums[c..<(2 * c)].map { Float($0) }, shape: [c])
            // Every rank asks for the input's gradient or none does (they run the same graph), so
            // the collective below is reached by all of them or by none.
            var dx: Tensor?
            if needs[0] {
                gradientSums.withUnsafeMutableBufferPointer { communicator.allReduceSum($0) }
                let storage = gradientSums.withUnsafeBufferPointer { sums in
                    SyncBatchNormKernels.inputGradient(g.storage, x.storage, rows: n, columns: c, total: total, mean: mean,
                                                       invStd: invStd, weight: weight.storage, sums: sums)
                }
                dx = Tensor(storage: storage, shape: [n, c])
            }
            return [dx, needs[1] ? dWeight : nil, needs[2] ? dBias : nil]
        }
        return (y, Tensor(storage: mean, shape: [c]), Tensor(storage: variance, shape: [c]), total)
    }
}
