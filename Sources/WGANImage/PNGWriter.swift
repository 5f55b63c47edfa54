import CPNG
import WGANFiles

/// Encodes `Bitmap`s as 8-bit PNG files (gray, gray+alpha, RGB or RGBA, no interlacing).
public enum PNGWriter {
    /// The PNG file bytes for `bitmap`. Throws `ImageError.encodingFailed` with libpng's message.
    public static func encode(_ bitmap: Bitmap) throws -> [UInt8] {
        // libpng takes the size as 32-bit values and the row length as a signed 32-bit count.
        try require(bitmap.height <= Int(UInt32.max) && bitmap.width * bitmap.channels <= Int(Int32.max),
                    "\(bitmap.width)×\(bitmap.height) is too large for PNG")
        // Room for incompressible data stored as is; a larger need is reported and met on the retry.
        var capacity = bitmap.pixels.count + bitmap.pixels.count / 8 + bitmap.height + 1024
        for _ in 0..<2 {
            var image = png_image.blank()
            image.width = png_uint_32(bitmap.width)
            image.height = png_uint_32(bitmap.height)
            image.format = PNGFormat.format(channels: bitmap.channels)
            var output = [UInt8](repeating: 0, count: capacity)
            var size = capacity
            let status = output.withUnsafeMutableBytes { out in
                bitmap.pixels.withUnsafeBytes { pixels in
                    png_image_write_to_memory(&image, out.baseAddress, &size, 0, pixels.baseAddress, 0, nil)
                }
            }
            if status != 0 {
                output.removeLast(capacity - size)
                return output
            }
            // A failure with a larger size means only that the buffer was short.
            guard size > capacity else { throw ImageError.encodingFailed(image.failureMessage) }
            capacity = size
        }
        throw ImageError.encodingFailed("libpng asked for more room twice")
    }

    /// Encodes `bitmap` and writes it to `path` atomically (see `Files.write`): a failed
    /// write leaves any previous file at `path` intact.
    public static func write(_ bitmap: Bitmap, to path: String) throws {
        let bytes = try encode(bitmap)
        do {
            try Files.write(bytes, to: path)
        } catch {
            throw ImageError.fileSystem(error)
        }
    }
}
