import XCTest
@testable import WGANImage

final class ImageGridTests: TemporaryFolderTestCase {
    /// `save_image`'s byte for a value already on the [0, 1] scale, written out from its formula.
    private func torchvisionByte(_ value: Float) -> UInt8 {
        let shifted = value * 255 + 0.5
        return UInt8(min(max(shifted, 0), 255))
    }

    /// The expected grid, computed pixel by pixel from the layout rule (the inverse of how
    /// `render` fills it): `byte(k)` is image k's byte where image k lies, `pad` elsewhere.
    private func expectedGrid(count: Int, height: Int, width: Int, nrow: Int, padding: Int,
                              pad: UInt8, byte: (Int) -> UInt8) -> (width: Int, height: Int, pixels: [UInt8]) {
        let columns = min(nrow, count), rows = (count + columns - 1) / columns
        let gridWidth = columns * (width + padding) + padding, gridHeight = rows * (height + padding) + padding
        var pixels = [UInt8]()
        for y in 0..<gridHeight {
            for x in 0..<gridWidth {
                let (row, dy) = (y - padding).quotientAndRemainder(dividingBy: height + padding)
                let (column, dx) = (x - padding).quotientAndRemainder(dividingBy: width + padding)
                let index = row * columns + column
                let inside = x >= padding && y >= padding && dx < width && dy < height && index < count
                pixels += [UInt8](repeating: inside ? byte(index) : pad, count: 3)
            }
        }
        return (gridWidth, gridHeight, pixels)
    }

    func testTwentyFiveMNISTImagesMakeTheTorchvisionGrid() throws {
        // Image k is uniform at -1 + 2k/24, so the batch spans [-1, 1] and image k maps to k/24.
        let images = (0..<25).flatMap { k in [Float](repeating: -1 + 2 * Float(k) / 24, count: 28 * 28) }
        let grid = try ImageGrid.render(images: images, count: 25, channels: 1, height: 28, width: 28,
                                        nrow: 5, normalize: true)
        XCTAssertEqual([grid.width, grid.height, grid.channels], [152, 152, 3])
        let expected = expectedGrid(count: 25, height: 28, width: 28, nrow: 5, padding: 2, pad: 0) { k in
            self.torchvisionByte(((-1 + 2 * Float(k) / 24) + 1) / 2)
        }
        XCTAssertEqual(grid.pixels, expected.pixels)
        XCTAssertEqual(grid[2, 2, 0], 0)
        XCTAssertEqual(grid[149, 149, 2], 255)
        XCTAssertEqual(grid[1, 1, 0], 0, "padding")
    }

    func testEmptyCellsOfTheLastRowKeepThePadValue() throws {
        let images = [Float](repeating: 1, count: 7 * 3 * 4)
        let grid = try ImageGrid.render(images: images, count: 7, channels: 1, height: 3, width: 4,
                                        nrow: 5, padding: 2, padValue: 0.25)
        let expected = expectedGrid(count: 7, height: 3, width: 4, nrow: 5, padding: 2, pad: 64) { _ in 255 }
        XCTAssertEqual([grid.width, grid.height], [expected.width, expected.height])
        XCTAssertEqual([grid.width, grid.height], [5 * 6 + 2, 2 * 5 + 2])
        XCTAssertEqual(grid.pixels, expected.pixels)
    }

    func testNormalizationSpansTheWholeBatchNotEachImage() throws {
        // Normalised image by image, both images would come out as [0, 255].
        let grid = try ImageGrid.render(images: [-1, 0, 0, 1], count: 2, channels: 1, height: 1, width: 2,
                                        normalize: true)
        XCTAssertEqual([grid.width, grid.height], [10, 5])
        XCTAssertEqual([grid[2, 2, 0], grid[3, 2, 0], grid[6, 2, 0], grid[7, 2, 0]], [0, 128, 128, 255])
    }

    func testNormalizationRoundsInFloat32LikeTorchvision() throws {
        // Batch range [-0.9, 0.7]. For the last two values float32 arithmetic gives one more than
        // exact arithmetic would: (x + 0.9) / 1.6 · 255 + 0.5 evaluated op by op in float32 lands
        // on 3.0 and 8.0 where the exact results are just below.
        let values: [Float] = [-0.9, 0.7, 0, -0.884313702583313, -0.8529411554336548]
        let grid = try ImageGrid.render(images: values, count: 1, channels: 1, height: 1, width: 5, normalize: true)
        XCTAssertEqual((0..<5).map { grid[$0, 0, 1] }, [0, 255, 143, 3, 8])
    }

    func testConstantBatchDoesNotDivideByZero() throws {
        let grid = try ImageGrid.render(images: [Float](repeating: 0.7, count: 3 * 4), count: 3, channels: 1,
                                        height: 2, width: 2, normalize: true, padValue: 1)
        let expected = expectedGrid(count: 3, height: 2, width: 2, nrow: 8, padding: 2, pad: 255) { _ in 0 }
        XCTAssertEqual(grid.pixels, expected.pixels)
    }

    func testASingleImageHasNoPadding() throws {
        let images = (0..<28 * 28).map { Float($0 % 2) }
        let grid = try ImageGrid.render(images: images, count: 1, channels: 1, height: 28, width: 28, padding: 2)
        XCTAssertEqual([grid.width, grid.height, grid.channels], [28, 28, 3])
        XCTAssertEqual(grid.pixels, images.flatMap { [UInt8](repeating: $0 == 1 ? 255 : 0, count: 3) })
    }

    func testThreeChannelPlanesAreInterleaved() throws {
        let planes: [Float] = [0, 1, /* green */ 0.5, 0, /* blue */ 1, 0.2]
        let grid = try ImageGrid.render(images: planes, count: 1, channels: 3, height: 1, width: 2)
        XCTAssertEqual(grid.pixels, [0, 128, 255, 255, 0, 51])
    }

    func testValuesOutsideTheUnitRangeAreClamped() throws {
        let values: [Float] = [-0.5, 1.5, 0.5, 0.2, .nan, .infinity, -.infinity]
        let grid = try ImageGrid.render(images: values, count: 1, channels: 1, height: 1, width: 7)
        XCTAssertEqual((0..<7).map { grid[$0, 0, 0] }, [0, 255, 128, 51, 0, 255, 0])
    }

    func testNormalizationLooksOnlyAtFiniteValues() throws {
        let values: [Float] = [-1, 1, .nan, .infinity, -.infinity, 0]
        let grid = try ImageGrid.render(images: values, count: 1, channels: 1, height: 1, width: 6, normalize: true)
        XCTAssertEqual((0..<6).map { grid[$0, 0, 0] }, [0, 255, 0, 255, 0, 128])
    }

    func testInvalidArgumentsThrowInsteadOfTrapping() {
        func render(_ images: [Float], count: Int = 1, channels: Int = 1, height: Int = 2, width: Int = 2,
                    nrow: Int = 8, padding: Int = 2) throws -> Bitmap {
            try ImageGrid.render(images: images, count: count, channels: channels, height: height, width: width,
                                 nrow: nrow, padding: padding)
        }
        let four = [Float](repeating: 0, count: 4)
        expectImageError(try render([], count: 0), \.isInvalidInput)
        expectImageError(try render(four, count: -1), \.isInvalidInput)
        expectImageError(try render([0, 0, 0]), \.isInvalidInput)
        expectImageError(try render(four + four, channels: 2), \.isInvalidInput)
        expectImageError(try render(four, height: 4, width: 0), \.isInvalidInput)
        expectImageError(try render(four, nrow: 0), \.isInvalidInput)
        expectImageError(try render(four, padding: -1), \.isInvalidInput)
        expectImageError(try render(four, count: 2, height: 1, padding: Int.max), \.isInvalidInput)
        expectImageError(try render(four, height: Int.max, width: 2), \.isInvalidInput)
    }

    func testSaveImageGridWritesTheRenderedGrid() throws {
        let images: [Float] = (0..<25 * 28 * 28).map { index in
            let step = (index * 7919) % 2001
            return Float(step) / 1000 - 1
        }
        let file = path("samples.png")
        try saveImageGrid(images: images, count: 25, channels: 1, height: 28, width: 28, to: file,
                          nrow: 5, normalize: true)
        let read = try PNGReader.read(from: file)
        XCTAssertEqual(read, try ImageGrid.render(images: images, count: 25, channels: 1, height: 28, width: 28,
                                                 nrow: 5, normalize: true))
        XCTAssertEqual([read.width, read.height, read.channels], [152, 152, 3])
        expectImageError(try saveImageGrid(images: images, count: 0, channels: 1, height: 28, width: 28, to: file),
                         \.isInvalidInput)
        XCTAssertEqual(try PNGReader.read(from: file), read, "a refused save leaves the previous file")
    }
}
