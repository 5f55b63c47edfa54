import CTurboJPEG
import WGANFiles

/// Decodes JPEG files into 8-bit `Bitmap`s through libjpeg-turbo's TurboJPEG API: grey files
/// stay grey (1 channel), every other colour space becomes RGB (3). CMYK files are refused.
public enum JPEGReader {
    /// The image in the JPEG file at `path`.
    public static func read(from path: String) throws -> Bitmap {
        let bytes: [UInt8]
        do { bytes = try Files.read(path) } catch { throw ImageError.fileSystem(error) }
        return try decode(bytes, source: path)
    }

    /// The image in `data`, the bytes of a JPEG file; `source` names them in error messages.
    /// A header declaring more than `Bitmap.maximumDecodedPixels` pixels, and damaged data that
    /// libjpeg-turbo would only warn about (a truncated file), are refused.
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
            if let problem = Bitmap.sizeProblem(width: Int(width), height: Int(height)) {
                throw ImageError.jpegDecodingFailed(source: source, reason: problem)
            }
            let grey = colorspace == Int32(TJCS_GRAY.rawValue)
            let channels = grey ? 1 : 3
            var pixels = [UInt8](repeating: 0, count: Int(width) * Int(height) * channels)
            let status = pixels.withUnsafeMutableBufferPointer { out in
                tjDecompress2(handle, input.baseAddress, UInt(input.count), out.baseAddress, width, 0, height,
                              Int32(grey ? TJPF_GRAY.rawValue : TJPF_RGB.rawValue), Int32(TJFLAG_ACCURATEDCT | TJFLAG_STOPONWARNING))
            }
            // libjpeg-turbo only warns about damaged data ("Premature end of JPEG file") and fills
            // what is missing with grey; an image that is partly grey fill would train the critic on
            // a picture nobody took, so a warning refuses the file like a corrupt PNG.
            guard status == 0 else { throw failure() }
            return Bitmap(unchecked: Int(width), height: Int(height), channels: channels, pixels: pixels)
        }
    }
}
