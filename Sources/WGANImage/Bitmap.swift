/// An 8-bit image in memory: rows from top to bottom, pixels from left to right, channels
/// interleaved within a pixel.
///
/// `channels` is 1 (gray), 2 (gray and alpha), 3 (RGB) or 4 (RGBA), the layouts PNG stores without
/// a palette.
public struct Bitmap: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public let channels: Int
    /// `width · height · channels` bytes.
    public let pixels: [UInt8]

    /// The most pixels a PNG or JPEG file may declare for `PNGReader` and `JPEGReader` to decode
    /// it: 2^26, 8192×8192 or a 67-megapixel photo. A header can claim any size, and a 48 KB
    /// 1-bit PNG can declare 20000×20000 pixels that decode to 1.2 GB; the readers check the
    /// header against this limit before allocating, so that one file costs at most 256 MiB (RGBA).
    public static let maximumDecodedPixels = 1 << 26

    /// Why a file declaring `width`×`height` pixels is refused, or nil when it is within
    /// `maximumDecodedPixels`.
    static func sizeProblem(width: Int, height: Int) -> String? {
        guard width > 0, height > 0 else { return "header claims \(width)×\(height) pixels" }
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard overflow || pixels > maximumDecodedPixels else { return nil }
        return "header claims \(width)×\(height) pixels, more than the limit of \(maximumDecodedPixels) (8192×8192)"
    }

    /// Checks that the sizes are positive, that `channels` is a PNG layout and that `pixels` holds
    /// exactly `width · height · channels` bytes; throws `ImageError.invalidInput` otherwise.
    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) throws {
        try require(width >= 1 && height >= 1, "image size must be at least 1×1 (got \(width)×\(height))")
        try require((1...4).contains(channels), "channels must be 1, 2, 3 or 4 (got \(channels))")
        let expected = try checkedProduct(width, height, channels, what: "image")
        try require(pixels.count == expected,
                    "\(width)×\(height)×\(channels) image needs \(expected) bytes (got \(pixels.count))")
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// Skips validation for callers that have sized `pixels` themselves.
    init(unchecked width: Int, height: Int, channels: Int, pixels: [UInt8]) {
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// The byte of `channel` at column `x`, row `y`; out-of-range coordinates trap like an array index.
    public subscript(x: Int, y: Int, channel: Int) -> UInt8 {
        precondition((0..<width).contains(x) && (0..<height).contains(y) && (0..<channels).contains(channel),
                     "Bitmap index (\(x), \(y), \(channel)) out of range")
        return pixels[(y * width + x) * channels + channel]
    }
}
