/// Matrix products on OpenBLAS.
extension Tensor {
    /// op(self) · op(other) for 2-D tensors, op being an optional transpose (no copy is made:
    /// the transpose is a flag to sgemm).
    ///
    /// Backward (C = op(A)·op(B), G = ∂L/∂C), each again a product with transposes:
    /// A·B: dA = G·Bᵀ, dB = Aᵀ·G;  Aᵀ·B: dA = B·Gᵀ, dB = A·G;
    /// A·Bᵀ: dA = G·B, dB = Gᵀ·A;  Aᵀ·Bᵀ: dA = Bᵀ·Gᵀ, dB = Gᵀ·Aᵀ.
    public func matmul(_ other: Tensor, transposeSelf: Bool = false, transposeOther: Bool = false) -> Tensor {
        precondition(rank == 2 && other.rank == 2, "matmul needs 2-D tensors, not \(shape) and \(other.shape)")
        let m = transposeSelf ? shape[1] : shape[0]
        let k = transposeSelf ? shape[0] : shape[1]
        let kOther = transposeOther ? other.shape[1] : other.shape[0]
        let n = transposeOther ? other.shape[0] : other.shape[1]
        precondition(k == kOther, "matmul: inner dimensions differ (\(shape)\(transposeSelf ? "ᵀ" : "") · \(other.shape)\(transposeOther ? "ᵀ" : ""))")
        let out = TensorStorage(uninitializedCount: m * n)
        if k == 0 {
            out.pointer.initialize(repeating: 0, count: m * n)
        } else if m > 0 && n > 0 {
            BLAS.sgemm(transA: transposeSelf, transB: transposeOther, m: m, n: n, k: k,
                       a: storage.pointer, lda: shape[1], b: other.storage.pointer, ldb: other.shape[1],
                       c: out.pointer, ldc: n)
        }
        let a = self, b = other, tA = transposeSelf, tB = transposeOther
        return .result(out, shape: [m, n], op: "matmul", inputs: [a, b]) { g, needs in
            var dA: Tensor?, dB: Tensor?
            if needs[0] {
                dA = switch (tA, tB) {
                case (false, false): g.matmul(b, transposeOther: true)
                case (true, false): b.matmul(g, transposeOther: true)
                case (false, true): g.matmul(b)
                case (true, true): b.matmul(g, transposeSelf: true, transposeOther: true)
                }
            }
            if needs[1] {
                dB = switch (tA, tB) {
                case (false, false): a.matmul(g, transposeSelf: true)
                case (true, false): a.matmul(g)
                case (false, true): g.matmul(a, transposeSelf: true)
                case (true, true): g.matmul(a, transposeSelf: true, transposeOther: true)
                }
            }
            return [dA, dB]
        }
    }
}
