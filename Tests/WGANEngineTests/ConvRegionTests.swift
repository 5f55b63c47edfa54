@testable import WGANEngine
import CKernels
import XCTest

/// The split of a convolution's output grid into regions that read only image pixels, and the
/// indexed copies that fill and empty their column matrices.
final class ConvRegionTests: XCTestCase {
    /// 5×5, stride 2, padding 2 onto 8 → 4 (the CIFAR critic's last convolution): the first
    /// output row reads kernel rows 2…4, the middle two all five, the last 0…3.
    func testTheCIFARCriticsLastConvolution() {
        let runs = ConvGeometry.runs(outputs: 4, input: 8, kernel: 5, stride: 2, padding: 2)
        XCTAssertEqual(runs.map(\.outputs), [0..<1, 1..<3, 3..<4])
        XCTAssertEqual(runs.map(\.taps), [2..<5, 0..<5, 0..<4])
        let g = ConvGeometry(channels: 1, height: 8, width: 8, kernel: (5, 5), stride: (2, 2), padding: (2, 2))
        XCTAssertEqual(g.regions.count, 9)
        // 17² of the 20² (position, tap) pairs per axis pair read the image: 72% of im2col's products.
        XCTAssertEqual(g.regions.map { $0.positions * $0.taps }.reduce(0, +), 17 * 17)
    }

    /// For assorted geometries, the regions tile the output grid exactly once, and each
    /// position's taps are exactly those that read inside the image.
    func testRegionsTileTheGridWithTheTapsInsideTheImage() {
        let geometries = [
            ConvGeometry(channels: 1, height: 28, width: 28, kernel: (5, 5), stride: (2, 2), padding: (2, 2)),
            ConvGeometry(channels: 1, height: 7, width: 6, kernel: (3, 2), stride: (1, 2), padding: (1, 0)),
            ConvGeometry(channels: 1, height: 2, width: 3, kernel: (2, 2), stride: (1, 1), padding: (3, 2)),
            ConvGeometry(channels: 1, height: 5, width: 5, kernel: (1, 1), stride: (2, 2), padding: (0, 0)),
        ]
        for g in geometries {
            var seen = [Int](repeating: 0, count: g.positions)
            for region in g.regions {
                for i in region.outputRows {
                    for j in region.outputColumns {
                        seen[i * g.outputWidth + j] += 1
                        let inside = (0..<g.kernelHeight).filter { (0..<g.height).contains(i * g.strideHeight - g.paddingHeight + $0) }
                        let insideColumns = (0..<g.kernelWidth).filter { (0..<g.width).contains(j * g.strideWidth - g.paddingWidth + $0) }
                        XCTAssertEqual(Array(region.kernelRows), inside, "\(g) at (\(i), \(j))")
                        XCTAssertEqual(Array(region.kernelColumns), insideColumns, "\(g) at (\(i), \(j))")
                    }
                }
            }
            XCTAssertEqual(seen, [Int](repeating: 1, count: g.positions), "\(g)")
        }
    }

    /// The C kernels (AVX-512 where the CPU has it) against plain loops, for lengths around the
    /// vector width; scatters with distinct offsets, as the convolution kernels call them.
    func testIndexedCopiesMatchPlainLoops() {
        var rng = SystemRandomNumberGenerator()
        for count in [0, 1, 15, 16, 17, 37, 100] {
            let size = 3 * count + 5
            let offsets = Array((0..<size).shuffled(using: &rng).prefix(count)).map { Int32($0) }
            let source = (0..<size).map { _ in Float.random(in: -1...1, using: &rng) }
            let values = (0..<count).map { _ in Float.random(in: -1...1, using: &rng) }

            var gathered = [Float](repeating: .nan, count: count)
            wgan_gather(source, offsets, count, &gathered)
            XCTAssertEqual(gathered, offsets.map { source[Int($0)] }, "gather of \(count)")

            var scattered = source, expected = source
            wgan_scatter(values, offsets, count, &scattered)
            for (j, offset) in offsets.enumerated() { expected[Int(offset)] = values[j] }
            XCTAssertEqual(scattered, expected, "scatter of \(count)")

            var summed = source
            expected = source
            wgan_scatter_add(values, offsets, count, &summed)
            for (j, offset) in offsets.enumerated() { expected[Int(offset)] += values[j] }
            XCTAssertEqual(summed, expected, "scatter-add of \(count)")
        }
    }
}
