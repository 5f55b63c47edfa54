import WGANFiles

/// Everything that can go wrong in WGANImage, each with a one-line description fit for a log or a
/// command-line error.
public enum ImageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Arguments that cannot describe an image or a grid (sizes, channel counts, buffer lengths).
    case invalidInput(String)
    /// The file could not be read or written (see `WGANFiles.FileError`).
    case fileSystem(FileError)
    /// libpng refused to encode the pixels.
    case encodingFailed(String)
    /// The bytes are not a PNG libpng can decode (corrupt, truncated, unsupported, more pixels than
    /// `Bitmap.maximumDecodedPixels`).
    case decodingFailed(source: String, reason: String)
    /// The bytes are not a JPEG libjpeg-turbo can decode without a warning (corrupt, truncated, CMYK,
    /// more pixels than `Bitmap.maximumDecodedPixels`).
    case jpegDecodingFailed(source: String, reason: String)

    public var description: String {
        switch self {
        case .invalidInput(let message):
            return "invalid image input: \(message)"
        case .fileSystem(let failure):
            return failure.description
        case .encodingFailed(let reason):
            return "PNG encoding failed: \(reason)"
        case .decodingFailed(let source, let reason):
            return "\(source): not a readable PNG: \(reason)"
        case .jpegDecodingFailed(let source, let reason):
            return "\(source): not a readable JPEG: \(reason)"
        }
    }
}

/// Throws `ImageError.invalidInput` unless `condition` holds; keeps argument checks to one line each.
@inline(__always)
func require(_ condition: Bool, _ message: @autoclosure () -> String) throws {
    if !condition { throw ImageError.invalidInput(message()) }
}

/// The product of image dimensions, or a thrown error where it would overflow `Int`, so that a
/// nonsensical size is reported instead of trapping.
func checkedProduct(_ factors: Int..., what: String) throws -> Int {
    var product = 1
    for factor in factors {
        let (next, overflow) = product.multipliedReportingOverflow(by: factor)
        try require(!overflow, "\(what) is too large (\(factors.map(String.init).joined(separator: " × ")))")
        product = next
    }
    return product
}

/// `a + b`, or a thrown error where it would overflow `Int`.
func checkedSum(_ a: Int, _ b: Int, what: String) throws -> Int {
    let (sum, overflow) = a.addingReportingOverflow(b)
    try require(!overflow, "\(what) is too large (\(a) + \(b))")
    return sum
}
