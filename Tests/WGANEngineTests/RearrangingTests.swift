@testable import WGANEngine
import XCTest

/// permute, narrow and pad, the per-channel ops and layer norm over [C, H, W]: values, both
/// derivatives, and bit-identical results on one and two threads.
final class RearrangingTests: XCTestCase {
    func testPermuteNarrowAndPadValues() {
        let x = Tensor((0..<24).map(Float.init), shape: [2, 3, 4])
        let p = x.permuted([2, 0, 1])
        XCTAssertEqual(p.shape, [4, 2, 3])
        XCTAssertEqual(p.scalars[0..<6], [0, 4, 8, 12, 16, 20])
        XCTAssertEqual(p.permuted([1, 2, 0]).scalars, x.scalars)
        XCTAssertEqual(Tensor.zeros([3, 1, 2]).permuted([1, 0, 2]).opName, nil, "moving a size-1 axis is a reshape")
        let n = x.narrowed(axis: 2, start: 1, length: 2)
        XCTAssertEqual(n.shape, [2, 3, 2])
        XCTAssertEqual(n.scalars[0..<4], [1, 2, 5, 6])
        XCTAssertEqual(x.narrowed(axis: 1, start: 2, length: 1).scalars, [8, 9, 10, 11, 20, 21, 22, 23])
        let padded = Tensor([1, 2, 3, 4], shape: [2, 2]).padded(axis: 1, before: 1, after: 2)
        XCTAssertEqual(padded.scalars, [0, 1, 2, 0, 0, 0, 3, 4, 0, 0])
    }

    func testChannelOpsAndLayerNormValues() {
        let x = randomTensor([2, 3, 2, 2], seed: 1), v = Tensor([1, 2, 3], shape: [3])
        let broadcast = v.reshaped([1, 3, 1, 1])
        assertClose(x.addingChannelBias(v).scalars, (x + broadcast).scalars)
        assertClose(x.multiplyingChannels(v).scalars, (x * broadcast).scalars)
        assertClose(x.channelSums().scalars, x.sum(axes: [0, 2, 3]).scalars)
        let y = x.layerNorm2d(weight: Tensor.ones([3]), bias: Tensor.zeros([3]))
        let flat = y.reshaped([2, 12])
        assertClose(flat.mean(axes: [1]).scalars, [0, 0], tolerance: 1e-5)
        assertClose(flat.variance(axes: [1]).scalars, [1, 1], tolerance: 1e-3)
    }

    func testGradientsOfRearrangingAndChannelOps() {
        let x = randomTensor([2, 3, 1, 4], seed: 2), v = randomTensor([3], seed: 3)
        check("permute", [x]) { $0[0].permuted([3, 1, 0, 2]).square() }
        check("narrow", [x]) { $0[0].narrowed(axis: 3, start: 1, length: 2).square() }
        check("pad", [x]) { $0[0].padded(axis: 1, before: 2, after: 1).square() }
        check("addingChannelBias", [x, v]) { $0[0].addingChannelBias($0[1]).square() }
        check("multiplyingChannels", [x, v]) { $0[0].multiplyingChannels($0[1]).square() }
        check("channelSums", [x]) { $0[0].channelSums().square() }
        let image = randomTensor([2, 2, 3, 3], seed: 4, low: -2, high: 2)
        check("layerNorm2d", [image, randomTensor([2], seed: 5), randomTensor([2], seed: 6)]) { t in
            t[0].layerNorm2d(weight: t[1], bias: t[2]).tanh()
        }
        check("layerNorm2d batch 1", [randomTensor([1, 2, 2, 3], seed: 7), randomTensor([2], seed: 8), randomTensor([2], seed: 9)]) { t in
            t[0].layerNorm2d(weight: t[1], bias: t[2]).square()
        }
    }

    /// Large enough that the convolution kernels, the permutations and the channel loops split into parts;
    /// every value and gradient must be the same to the bit on one and two threads.
    func testConvolutionsOnTwoThreadsEqualOneThread() {
        let x = randomTensor([8, 4, 16, 16], seed: 10).requiringGrad()
        let w = randomTensor([16, 4, 3, 3], seed: 11).requiringGrad(), b = randomTensor([16], seed: 12).requiringGrad()
        let wt = randomTensor([16, 4, 5, 5], seed: 13).requiringGrad(), scale = randomTensor([4], seed: 14).requiringGrad()
        func run() -> [[Float]] {
            let h = x.conv2d(weight: w, bias: b, stride: 2, padding: 1)
            let t = h.convTranspose2d(weight: wt, stride: 2, padding: 2, outputPadding: 1).narrowed(axis: 2, start: 0, length: 15)
            let y = t.layerNorm2d(weight: scale, bias: b.narrowed(axis: 0, start: 0, length: 4))
            let out = weightedSum(y.permuted([0, 2, 3, 1]))
            let grads = gradients(of: out, withRespectTo: [x, w, b, wt, scale], createGraph: true)
            let second = gradients(of: grads[0].square().sum(), withRespectTo: [w, wt])
            return [y.scalars] + grads.map(\.scalars) + second.map(\.scalars)
        }
        let single = run()
        Parallel.threads = 2
        defer { Parallel.threads = 1 }
        XCTAssertEqual(run(), single)
    }
}

final class RowBroadcastTests: XCTestCase {
    /// The per-row fast paths of broadcasting and expansion agree with the general path.
    func testPerRowBroadcastAndExpand() {
        let x = randomTensor([3, 2, 4], seed: 1), rows = randomTensor([3, 1, 1], seed: 2)
        let viaGeneral = (x + rows.expanded(to: [3, 2, 4]))
        assertClose((x + rows).scalars, viaGeneral.scalars)
        let expanded = rows.expanded(to: [3, 2, 4]).scalars
        for i in 0..<24 { XCTAssertEqual(expanded[i], rows.scalars[i / 8]) }
        let flat = x.reshaped([3, 8]), column = rows.reshaped([3, 1])
        assertClose((flat / column).scalars, (flat / column.expanded(to: [3, 8])).scalars)
        check("per-row div", [x.reshaped([3, 8]), randomTensor([3, 1], seed: 3, low: 0.5, high: 1.5)]) { $0[0] / $0[1] }
    }
}
