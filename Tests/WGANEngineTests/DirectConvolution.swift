@testable import WGANEngine

/// A convolution, its input gradient and its weight gradient by definition, in float64: the
/// reference the kernel paths (im2col, Winograd, pointwise) are measured against.
struct DirectConvolution {
    let g: ConvGeometry, o: Int, batch: Int

    /// Calls `body` for every product of the convolution: sample, output channel, input channel,
    /// output position, kernel tap and the input pixel it reads (padding taps are skipped).
    func each(_ body: (_ n: Int, _ o: Int, _ c: Int, _ y: Int, _ x: Int, _ ky: Int, _ kx: Int, _ iy: Int, _ ix: Int) -> Void) {
        for n in 0..<batch {
            for oc in 0..<o {
                for c in 0..<g.channels {
                    for y in 0..<g.outputHeight {
                        for x in 0..<g.outputWidth {
                            for ky in 0..<g.kernelHeight {
                                for kx in 0..<g.kernelWidth {
                                    let iy = y * g.strideHeight + ky - g.paddingHeight, ix = x * g.strideWidth + kx - g.paddingWidth
                                    if iy >= 0 && iy < g.height && ix >= 0 && ix < g.width { body(n, oc, c, y, x, ky, kx, iy, ix) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    func image(_ n: Int, _ c: Int, _ y: Int, _ x: Int) -> Int { ((n * g.channels + c) * g.height + y) * g.width + x }
    func output(_ n: Int, _ o: Int, _ y: Int, _ x: Int) -> Int { ((n * self.o + o) * g.outputHeight + y) * g.outputWidth + x }
    func kernel(_ o: Int, _ c: Int, _ ky: Int, _ kx: Int) -> Int { ((o * g.channels + c) * g.kernelHeight + ky) * g.kernelWidth + kx }

    func forward(_ x: [Float], _ w: [Float]) -> [Double] {
        var y = [Double](repeating: 0, count: batch * o * g.positions)
        each { n, oc, c, yy, xx, ky, kx, iy, ix in y[output(n, oc, yy, xx)] += Double(x[image(n, c, iy, ix)]) * Double(w[kernel(oc, c, ky, kx)]) }
        return y
    }
    func inputGradient(_ gy: [Float], _ w: [Float]) -> [Double] {
        var dx = [Double](repeating: 0, count: batch * g.imageSize)
        each { n, oc, c, yy, xx, ky, kx, iy, ix in dx[image(n, c, iy, ix)] += Double(gy[output(n, oc, yy, xx)]) * Double(w[kernel(oc, c, ky, kx)]) }
        return dx
    }
    func weightGradient(_ x: [Float], _ gy: [Float]) -> [Double] {
        var dw = [Double](repeating: 0, count: o * g.rows)
        each { n, oc, c, yy, xx, ky, kx, iy, ix in dw[kernel(oc, c, ky, kx)] += Double(gy[output(n, oc, yy, xx)]) * Double(x[image(n, c, iy, ix)]) }
        return dw
    }
}

/// ‖values − exact‖ / ‖exact‖ over the first `exact.count` values.
func relativeError(_ values: TensorStorage, _ exact: [Double]) -> Double {
    let got = UnsafeBufferPointer(start: values.pointer, count: exact.count)
    let difference = zip(got, exact).map { (Double($0) - $1) * (Double($0) - $1) }.reduce(0, +)
    return (difference / max(exact.map { $0 * $0 }.reduce(0, +), .leastNormalMagnitude)).squareRoot()
}
