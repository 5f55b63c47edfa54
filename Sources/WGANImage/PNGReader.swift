import CPNG
import WGANFiles

/// Decodes PNG files into 8-bit `Bitmap`s.
///
/// Any PNG libpng accepts is read: palettes are expanded to RGB or RGBA, 16-bit samples are
/// reduced to 8 bits, and a `tRNS` transparency chunk becomes an alpha channel. Colour values of
/// files that declare a gamma other than sRGB's are converted to sRGB, as libpng's simplified API
/// does; files written by `PNGWriter` (or by PIL) come back byte for byte.
public enum PNGReader {
    /// The image in the PNG file at `path`. Throws `ImageError.fileSystem` when the file cannot be
    /// read and `ImageError.decodingFailed` when it is not a valid PNG (corrupt or truncated).
    public static func read(from path: String) throws -> Bitmap {
        let bytes: [UInt8]
        do {
            bytes = try Files.read(path)
        } catch {
            throw ImageError.fileSystem(error)
        }
        return try decode(bytes, source: path)
    }

    /// The image in `data`, the bytes of a PNG file; `source` names them in error messages.
    /// Only the header is read before the size is checked: a file declaring more than
    /// `Bitmap.maximumDecodedPixels` pixels is refused without decoding a row.
    public static func decode(_ data: [UInt8], source: String = "PNG data") throws -> Bitmap {
        try data.withUnsafeBytes { raw in
            var image = png_image.blank()
            guard png_image_begin_read_from_memory(&image, raw.baseAddress, raw.count) != 0 else {
                throw ImageError.decodingFailed(source: source, reason: image.failureMessage)
            }
            image.format = PNGFormat.eightBit(closestTo: image.format)
            // Without this libpng takes 16-bit samples without a gamma chunk for linear light and
            // gamma-encodes them; other decoders (PIL) just scale them.
            image.flags |= png_uint_32(PNG_IMAGE_FLAG_16BIT_sRGB)
            let width = Int(image.width), height = Int(image.height)
            if let problem = Bitmap.sizeProblem(width: width, height: height) {
                png_image_free(&image)
                throw ImageError.decodingFailed(source: source, reason: problem)
            }
            let channels = PNGFormat.channels(of: image.format)
            // A corrupt header can claim a huge size; refuse it before allocating. Deflate expands
            // at most 1032-fold and 1-bit palette samples grow 32-fold into RGBA, so a genuine
            // image cannot be larger than this.
            guard let count = try? checkedProduct(width, height, channels, what: "decoded image"),
                  count / (1032 * 32) <= data.count else {
                png_image_free(&image)
                let reason = "header claims \(width)×\(height) pixels, more than \(data.count) bytes can hold"
                throw ImageError.decodingFailed(source: source, reason: reason)
            }
            var pixels = [UInt8](repeating: 0, count: count)
            let status = pixels.withUnsafeMutableBytes { out in
                png_image_finish_read(&image, nil, out.baseAddress, 0, nil)
            }
            guard status != 0 else {
                throw ImageError.decodingFailed(source: source, reason: image.failureMessage)
            }
            return Bitmap(unchecked: width, height: height, channels: channels, pixels: pixels)
        }
    }
}
