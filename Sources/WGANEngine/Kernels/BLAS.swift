import CBLASRuntime
import Dispatch
import Synchronization

/// OpenBLAS, loaded at first use with the fastest kernel this CPU can run (see CBLASRuntime).
public enum BLAS {
    /// Loads the library if needed; throws a one-line explanation when it cannot be loaded.
    public static func load() throws {
        if wgan_blas_load() != 0 { throw BLASError(message: String(cString: wgan_blas_error())) }
    }

    /// The kernel in use, as OpenBLAS names it ("SkylakeX", "Haswell", "Prescott", …).
    public static var coreName: String { String(cString: wgan_blas_corename()) }

    /// How the kernel was chosen: "environment" (the user's OPENBLAS_CORETYPE), "environment-ignored"
    /// (set, but OpenBLAS chose another kernel), "cpu" (chosen here from CPUID) or "library"
    /// (OpenBLAS's own detection).
    public static var selection: String { String(cString: wgan_blas_selection()) }

    /// The kernel the CPU supports best, by CPUID, or nil where none of the known ones applies.
    public static var cpuBestCoreType: String? { wgan_cpu_best_coretype().map { String(cString: $0) } }

    /// A one-line description for logs: "OpenBLAS SkylakeX (chosen for this CPU), 2 threads".
    public static var summary: String {
        let requested = String(cString: wgan_blas_requested_coretype())
        let how = ["environment": "from OPENBLAS_CORETYPE", "cpu": "chosen for this CPU", "library": "OpenBLAS's own detection",
                   "environment-ignored": "OpenBLAS ignored OPENBLAS_CORETYPE=\(requested) and chose by its own detection"][selection]
            ?? selection
        let threads = Parallel.threads
        return "OpenBLAS \(coreName) (\(how)), \(threads) thread\(threads == 1 ? "" : "s")"
    }

    /// Threads OpenBLAS's own calls use. The runtime sets 1 when it loads the library: the
    /// engine spreads products over `Parallel.threads` itself.
    public static var threads: Int { Int(wgan_blas_threads()) }

    /// Row-major C = alpha·op(A)·op(B) + beta·C, op(A) being [m, k] and op(B) [k, n].
    /// The shape of one single-precision product, as recorded by `recordingProducts`.
    public struct ProductShape: Hashable, Sendable {
        public let transA: Bool, transB: Bool, m: Int, n: Int, k: Int
        public var flops: Double { 2 * Double(m) * Double(n) * Double(k) }

        public init(transA: Bool, transB: Bool, m: Int, n: Int, k: Int) {
            (self.transA, self.transB, self.m, self.n, self.k) = (transA, transB, m, n, k)
        }
    }

    // Set only while `recordingProducts` runs; read by every sgemm (one predictable branch).
    // Appends take the lock, since products may run on two threads at once.
    nonisolated(unsafe) fileprivate static var recorder: [ProductShape]?
    fileprivate static let recorderLock = Mutex(())

    /// Runs `body` and returns the shapes of the matrix products it performed, in order, so a
    /// benchmark can count a step's FLOPs and time the same products on their own.
    public static func recordingProducts(_ body: () throws -> Void) rethrows -> [ProductShape] {
        recorder = []
        defer { recorder = nil }
        try body()
        return recorder ?? []
    }

    /// Times `shapes` run back to back on scratch buffers; returns seconds per pass.
    public static func timeProducts(_ shapes: [ProductShape], repetitions: Int) -> Double {
        let largest = shapes.reduce(1) { max($0, $1.m * $1.k, $1.k * $1.n, $1.m * $1.n) }
        let a = TensorStorage(count: largest, repeating: 0.5), b = TensorStorage(count: largest, repeating: 0.25)
        let c = TensorStorage(count: largest, repeating: 0)
        func pass() {
            for s in shapes {
                sgemm(transA: s.transA, transB: s.transB, m: s.m, n: s.n, k: s.k,
                      a: a.pointer, lda: s.transA ? s.m : s.k, b: b.pointer, ldb: s.transB ? s.k : s.n,
                      c: c.pointer, ldc: s.n)
            }
        }
        pass()
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<repetitions { pass() }
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(repetitions)
    }

    /// Row-major C = alpha·op(A)·op(B) + beta·C, op(A) being [m, k] and op(B) [k, n]. Large
    /// products are split by columns (or rows, when there are few columns) across
    /// `Parallel.threads`, each part a single-threaded OpenBLAS call.
    static func sgemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        record(transA: transA, transB: transB, m: m, n: n, k: k)
        let parts = Parallel.parts(forWork: m * n * k, minimum: 1 << 20)
        let splitColumns = n >= m
        Parallel.run(parts: parts) { part in
            if splitColumns {
                let cols = Parallel.chunk(part, of: parts, count: n)
                let bPart = transB ? b + cols.lowerBound * ldb : b + cols.lowerBound
                wgan_sgemm(transA ? 1 : 0, transB ? 1 : 0, Int32(m), Int32(cols.count), Int32(k), alpha,
                           a, Int32(lda), bPart, Int32(ldb), beta, c + cols.lowerBound, Int32(ldc))
            } else {
                let rows = Parallel.chunk(part, of: parts, count: m)
                let aPart = transA ? a + rows.lowerBound : a + rows.lowerBound * lda
                wgan_sgemm(transA ? 1 : 0, transB ? 1 : 0, Int32(rows.count), Int32(n), Int32(k), alpha,
                           aPart, Int32(lda), b, Int32(ldb), beta, c + rows.lowerBound * ldc, Int32(ldc))
            }
        }
    }
}

extension BLAS {
    @inline(__always)
    static func record(transA: Bool, transB: Bool, m: Int, n: Int, k: Int) {
        if recorder != nil {
            recorderLock.withLock { _ in recorder?.append(ProductShape(transA: transA, transB: transB, m: m, n: n, k: k)) }
        }
    }

    /// The same product as `sgemm`, as one OpenBLAS call on the calling thread: for kernels that
    /// already run as parts on the engine's threads (a nested split would only cut it in pieces).
    static func sgemmOnThisThread(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        record(transA: transA, transB: transB, m: m, n: n, k: k)
        wgan_sgemm(transA ? 1 : 0, transB ? 1 : 0, Int32(m), Int32(n), Int32(k), alpha,
                   a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}

public struct BLASError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
