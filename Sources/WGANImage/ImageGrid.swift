/// Tiles a batch of images into one RGB picture exactly as torchvision's
/// `save_image(tensor, path, nrow=…, padding=…, normalize=…, pad_value=…)` does, byte for byte.
///
/// Images arrive as `Float`s in N×C×H×W order (batch, channel, row, column), C being 1 or 3.
/// One-channel images are shown as gray by repeating the channel into R, G and B. The layout is
/// `make_grid`'s: `min(nrow, count)` columns, as many rows as needed, `padding` pixels of
/// `padValue` around and between the images, empty trailing cells left as padding, and a batch of
/// one image without any padding. See `ByteQuantizer` for the exact conversion to bytes.
public enum ImageGrid {
    /// The grid as a 3-channel (RGB) `Bitmap`.
    ///
    /// - Parameters:
    ///   - images: `count · channels · height · width` values in N×C×H×W order.
    ///   - nrow: the most images in one grid row (torchvision's `nrow`).
    ///   - padding: pixels between images and around the grid.
    ///   - normalize: maps the minimum of the *whole batch* to 0 and its maximum to 1 before
    ///     conversion; without it values are taken to lie in [0, 1] and clamped.
    ///   - padValue: the value, on the [0, 1] scale and never normalised, of the padding pixels.
    /// - Throws: `ImageError.invalidInput` for sizes that do not describe a batch or a grid.
    public static func render(
        images: [Float], count: Int, channels: Int, height: Int, width: Int,
        nrow: Int = 8, padding: Int = 2, normalize: Bool = false, padValue: Float = 0
    ) throws -> Bitmap {
        try require(count >= 1, "an image grid needs at least one image (count \(count))")
        try require(channels == 1 || channels == 3, "grid images need 1 or 3 channels (got \(channels))")
        try require(height >= 1 && width >= 1, "grid images must be at least 1×1 (got \(width)×\(height))")
        try require(nrow >= 1, "nrow must be at least 1 (got \(nrow))")
        try require(padding >= 0, "padding must not be negative (got \(padding))")
        let plane = try checkedProduct(height, width, what: "image")
        let expected = try checkedProduct(count, channels, plane, what: "image batch")
        try require(images.count == expected,
                    "\(count)×\(channels)×\(height)×\(width) images need \(expected) values (got \(images.count))")
        let layout = try GridLayout(count: count, imageWidth: width, imageHeight: height, nrow: nrow, padding: padding)

        var pixels = [UInt8](repeating: ByteQuantizer.toByte(padValue), count: layout.width * layout.height * 3)
        images.withUnsafeBufferPointer { source in
            pixels.withUnsafeMutableBufferPointer { grid in
                let quantizer = ByteQuantizer(values: source, normalize: normalize)
                for index in 0..<count {
                    let origin = layout.origin(of: index)
                    let image = source.baseAddress! + index * channels * plane
                    for y in 0..<height {
                        let row = image + y * width
                        var out = ((origin.y + y) * layout.width + origin.x) * 3
                        for x in 0..<width {
                            if channels == 1 {
                                let gray = quantizer.byte(row[x])
                                grid[out] = gray
                                grid[out + 1] = gray
                                grid[out + 2] = gray
                            } else {
                                grid[out] = quantizer.byte(row[x])
                                grid[out + 1] = quantizer.byte(row[plane + x])
                                grid[out + 2] = quantizer.byte(row[2 * plane + x])
                            }
                            out += 3
                        }
                    }
                }
            }
        }
        return Bitmap(unchecked: layout.width, height: layout.height, channels: 3, pixels: pixels)
    }
}

/// Renders `images` with `ImageGrid.render` and writes the grid to `path` as an RGB PNG,
/// atomically: the counterpart of torchvision's `save_image`, with the same defaults.
public func saveImageGrid(
    images: [Float], count: Int, channels: Int, height: Int, width: Int, to path: String,
    nrow: Int = 8, padding: Int = 2, normalize: Bool = false, padValue: Float = 0
) throws {
    let grid = try ImageGrid.render(images: images, count: count, channels: channels, height: height, width: width,
                                    nrow: nrow, padding: padding, normalize: normalize, padValue: padValue)
    try PNGWriter.write(grid, to: path)
}
