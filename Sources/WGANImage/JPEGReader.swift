import CTurboJPEG
import WGANFiles

/// Decodes JPEG files into 8-bit `Bitmap`s through libjpeg-turbo's TurboJPEG API: grey files
/// stay grey (1 channel), every other colour space becomes RGB (3). CMYK files are refused.
public enum JPEGReader {
    /// The most pixels a file may declare: a header can claim any size, and a genuine photo
    /// this large would not fit the training cache anyway.
    static let maximumPixels = 1 << 28

    /// The image in the JPEG file at `path`.
    public static func read(from path: String) throws -> Bitmap {
        let bytes: [UInt8]
        do { bytes = try Files.read(path) } catch { throw ImageError.fileSystem(error) }
        return try decode(bytes, source: path)
    }

    /// The image in `data`, the bytes of a JPEG file; `source` names them in error messages.
    public static func decode(_ data: [UInt8], source: String = "JPEG data") throws -> Bitmap {
        guard let handle = tjInitDecompress() else {
            throw ImageError.jpegDecodingFailed(source: source, reason: "libjpeg-turbo could not start a decoder")
        }
        defer { tjDestroy(handle) }
        func failure() -> ImageError {
            .jpegDecodingFailed(source: source, reason: String(cString: tjGetErrorStr2(handle)))
        }
        return try data.withUnsafeBufferPointer { input in
            var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
            guard tjDecompressHeader3(handle, input.baseAddress, UInt(input.count), &width, &height, &subsampling, &colorspace) == 0
            else { throw failure() }
            guard colorspace != Int32(TJCS_CMYK.rawValue) && colorspace != Int32(TJCS_YCCK.rawValue) else {
                throw ImageError.jpegDecodingFailed(source: source, reason: "CMYK JPEGs are not supported")
            }
            guard width > 0, height > 0, Int(width) * Int(height) <= maximumPixels else {
                throw ImageError.jpegDecodingFailed(source: source, reason: "header claims \(width)×\(height) pixels")
            }
            let grey = colorspace == Int32(TJCS_GRAY.rawValue)
            let channels = grey ? 1 : 3
            var pixels = [UInt8](repeating: 0, count: Int(width) * Int(height) * channels)
            let status = pixels.withUnsafeMutableBufferPointer { out in
                tjDecompress2(handle, input.baseAddress, UInt(input.count), out.baseAddress, width, 0, height,
                              Int32(grey ? TJPF_GRAY.rawValue : TJPF_RGB.rawValue), Int32(TJFLAG_ACCURATEDCT))
            }
            // A warning (a slightly damaged but decodable file) still gives a whole image.
            guard status == 0 || tjGetErrorCode(handle) == Int32(TJERR_WARNING.rawValue) else { throw failure() }
            return Bitmap(unchecked: Int(width), height: Int(height), channels: channels, pixels: pixels)
        }
    }
}
