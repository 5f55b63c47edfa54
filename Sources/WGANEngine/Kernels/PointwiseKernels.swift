/// The three kernels of a 1×1 stride-1 convolution without padding, which is a matrix product
/// per image: y_n [O, H·W] = W [O, C] · x_n [C, H·W]. NCHW images are already the product's
/// operands, so nothing is copied in or out: no channel-major packing, no column gather (for a
/// 1×1 kernel it is a plain copy), no output scatter. The Inception network's 1×1 branches and
/// the ResNet's shortcuts are this kind.
///
/// Small planes keep the im2col path of `ConvKernels`: a product per image that is only a few
/// dozen columns wide would make OpenBLAS pack the whole weight for little work, where the im2col
/// path puts several images side by side in one product.
///
/// Parts and the part-ordered sum of the weight gradient follow `ConvKernels`, so results do
/// not depend on scheduling.
enum Pointwise {
    /// Output positions per image below which the im2col path's batched products win.
    static let minimumPlane = 256

    /// Whether a convolution of geometry `g` runs here.
    static func applies(_ g: ConvGeometry) -> Bool {
        g.kernelHeight == 1 && g.kernelWidth == 1 && g.strideHeight == 1 && g.strideWidth == 1
            && g.paddingHeight == 0 && g.paddingWidth == 0 && g.positions >= minimumPlane
    }

    private static func parts(_ g: ConvGeometry, outChannels o: Int, batch: Int) -> Int {
        ConvKernels.partCount(batch: batch, flops: o * g.channels * g.positions * batch)
    }

    /// Calls `body(part, image)` for every image of the batch, the parts' images in order on their threads.
    @inline(__always)
    private static func forEachImage(_ g: ConvGeometry, outChannels o: Int, batch: Int, parts: Int? = nil,
                                     _ body: (_ part: Int, _ image: Int) -> Void) {
        ConvKernels.forEachPart(parts ?? self.parts(g, outChannels: o, batch: batch), batch: batch) { part, samples in
            for n in samples { body(part, n) }
        }
    }

    /// y [N, O, H·W] for x [N, C, H·W] and w [O, C].
    static func forward(_ x: UnsafePointer<Float>, weight w: UnsafePointer<Float>, outChannels o: Int, batch: Int,
                        _ g: ConvGeometry) -> TensorStorage {
        let (c, plane) = (g.channels, g.positions)
        let out = TensorStorage(uninitializedCount: batch * o * plane)
        let y = out.pointer
        forEachImage(g, outChannels: o, batch: batch) { _, n in
            BLAS.sgemmOnThisThread(transA: false, transB: false, m: o, n: plane, k: c, a: w, lda: c,
                                   b: x + n * c * plane, ldb: plane, c: y + n * o * plane, ldc: plane)
        }
        return out
    }

    /// gx_n = Wᵀ · gy_n: [N, C, H·W].
    static func inputGradient(_ gy: UnsafePointer<Float>, weight w: UnsafePointer<Float>, outChannels o: Int, batch: Int,
                              _ g: ConvGeometry) -> TensorStorage {
        let (c, plane) = (g.channels, g.positions)
        let out = TensorStorage(uninitializedCount: batch * c * plane)
        let gx = out.pointer
        forEachImage(g, outChannels: o, batch: batch) { _, n in
            BLAS.sgemmOnThisThread(transA: true, transB: false, m: c, n: plane, k: o, a: w, lda: c,
                                   b: gy + n * o * plane, ldb: plane, c: gx + n * c * plane, ldc: plane)
        }
        return out
    }

    /// dW = Σ_n gy_n · x_nᵀ: [O, C].
    static func weightGradient(_ x: UnsafePointer<Float>, _ gy: UnsafePointer<Float>, outChannels o: Int, batch: Int,
                               _ g: ConvGeometry) -> TensorStorage {
        let (c, plane) = (g.channels, g.positions)
        let parts = parts(g, outChannels: o, batch: batch)
        let partials = (0..<parts).map { _ in TensorStorage(count: o * c, repeating: 0) }
        let targets = partials.map(\.pointer)
        defer { withExtendedLifetime(partials) {} }
        forEachImage(g, outChannels: o, batch: batch, parts: parts) { part, n in
            BLAS.sgemmOnThisThread(transA: false, transB: true, m: o, n: c, k: plane, a: gy + n * o * plane, lda: plane,
                                   b: x + n * c * plane, ldb: plane, beta: 1, c: targets[part], ldc: c)
        }
        _ = ConvKernels.sumInPartOrder(partials, count: o * c)
        return partials[0]
    }
}
