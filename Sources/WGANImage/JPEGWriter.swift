import CTurboJPEG

/// Encodes grey or RGB `Bitmap`s as baseline JPEG (4:4:4, so colours keep their full
/// resolution), through libjpeg-turbo: for tests and tools that need JPEG files to read.
public enum JPEGWriter {
    /// The JPEG file bytes for `bitmap` (1 or 3 channels) at `quality` (1–100).
    public static func encode(_ bitmap: Bitmap, quality: Int = 95) throws -> [UInt8] {
        try require(bitmap.channels == 1 || bitmap.channels == 3, "JPEG needs 1 or 3 channels (got \(bitmap.channels))")
        try require((1...100).contains(quality), "JPEG quality must be 1 to 100 (got \(quality))")
        guard let handle = tjInitCompress() else { throw ImageError.encodingFailed("libjpeg-turbo could not start an encoder") }
        defer { tjDestroy(handle) }
        var output: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        let grey = bitmap.channels == 1
        let status = bitmap.pixels.withUnsafeBufferPointer { pixels in
            tjCompress2(handle, pixels.baseAddress, Int32(bitmap.width), 0, Int32(bitmap.height),
                        Int32(grey ? TJPF_GRAY.rawValue : TJPF_RGB.rawValue), &output, &size,
                        Int32(grey ? TJSAMP_GRAY.rawValue : TJSAMP_444.rawValue), Int32(quality), 0)
        }
        defer { tjFree(output) }
        guard status == 0, let output else { throw ImageError.encodingFailed(String(cString: tjGetErrorStr2(handle))) }
        return Array(UnsafeBufferPointer(start: output, count: Int(size)))
    }
}
