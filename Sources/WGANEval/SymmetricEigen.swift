import CBLASRuntime
import WGANEngine

/// Dense symmetric matrices of doubles, row-major, and the LAPACK and BLAS routines FID needs,
/// all from OpenBLAS (opened at run time by `CBLASRuntime`, like every product in the engine).
public struct SymmetricMatrix: Equatable, Sendable {
    public let size: Int
    /// size × size values, row-major (equal to column-major: the matrix is symmetric).
    public var values: [Double]

    public init(size: Int, values: [Double]) {
        precondition(values.count == size * size, "\(values.count) values do not fill a \(size)×\(size) matrix")
        self.size = size
        self.values = values
    }

    public var trace: Double { (0..<size).reduce(0) { $0 + values[$1 * size + $1] } }

    /// Eigenvalues (ascending) and unit eigenvectors (row i belongs to eigenvalue i), through
    /// LAPACK's `dsyevd`.
    public func eigen() throws(EvaluationError) -> (values: [Double], vectors: [Double]) {
        try BLAS.loadForEvaluation()
        var a = values, w = [Double](repeating: 0, count: size)
        let info = a.withUnsafeMutableBufferPointer { a in
            w.withUnsafeMutableBufferPointer { w in wgan_dsyevd(Int32(size), a.baseAddress, w.baseAddress) }
        }
        switch info {
        case 0: return (w, a)
        case -1000: throw .lapack("OpenBLAS lacks LAPACK's dsyevd; install Debian's libopenblas0 (it ships LAPACK)")
        case -1001: throw .lapack("out of memory for dsyevd's workspace (\(size)×\(size) matrix)")
        default: throw .lapack("dsyevd failed on a \(size)×\(size) matrix (info \(info))")
        }
    }

    /// f(A) = V·diag(f(λ))·Vᵀ for a function of the eigenvalues.
    public func applying(_ f: (Double) -> Double) throws(EvaluationError) -> SymmetricMatrix {
        let (lambda, v) = try eigen()
        // Rows of V scaled by f(λ), then Vᵀ·that: Σᵢ f(λᵢ) vᵢ vᵢᵀ.
        var scaled = v
        for i in 0..<size {
            let s = f(lambda[i])
            for j in 0..<size { scaled[i * size + j] *= s }
        }
        return SymmetricMatrix(size: size, values: Self.product(v, transposeA: true, scaled, size: size))
    }

    /// A·B·A, symmetrised (the two triangles differ by rounding only) for the eigensolver.
    public func sandwiching(_ b: SymmetricMatrix) -> SymmetricMatrix {
        precondition(b.size == size, "sizes \(size) and \(b.size) differ")
        let ab = Self.product(values, transposeA: false, b.values, size: size)
        var aba = Self.product(ab, transposeA: false, values, size: size)
        for i in 0..<size {
            for j in (i + 1)..<size {
                let mean = (aba[i * size + j] + aba[j * size + i]) / 2
                (aba[i * size + j], aba[j * size + i]) = (mean, mean)
            }
        }
        return SymmetricMatrix(size: size, values: aba)
    }

    /// op(A)·B for square row-major matrices, through `dgemm`.
    static func product(_ a: [Double], transposeA: Bool, _ b: [Double], size n: Int) -> [Double] {
        var c = [Double](repeating: 0, count: n * n)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    wgan_dgemm(transposeA ? 1 : 0, 0, Int32(n), Int32(n), Int32(n), 1, a.baseAddress, Int32(n),
                               b.baseAddress, Int32(n), 0, c.baseAddress, Int32(n))
                }
            }
        }
        return c
    }
}

extension BLAS {
    /// `BLAS.load()` with its failure as an `EvaluationError`.
    static func loadForEvaluation() throws(EvaluationError) {
        do { try BLAS.load() } catch { throw .lapack("\(error)") }
    }
}
