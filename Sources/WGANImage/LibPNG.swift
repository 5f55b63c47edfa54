import CPNG

// Glue for libpng's simplified API (`png_image`). That API is used rather than `png_create_*`
// because it catches libpng's errors itself and returns a status with a message: the classic API
// reports errors by `longjmp`, which would jump over Swift frames.

extension png_image {
    /// A zeroed control structure, as libpng requires before each begin-read or write.
    static func blank() -> png_image {
        var image = png_image()
        image.version = png_uint_32(PNG_IMAGE_VERSION)
        return image
    }

    /// The message libpng left after a failed call.
    var failureMessage: String {
        withUnsafeBytes(of: message) { raw in
            let text = raw.prefix { $0 != 0 }
            return text.isEmpty ? "unknown libpng error" : String(decoding: text, as: UTF8.self)
        }
    }
}

enum PNGFormat {
    private static let color = png_uint_32(PNG_FORMAT_FLAG_COLOR)
    private static let alpha = png_uint_32(PNG_FORMAT_FLAG_ALPHA)

    /// The 8-bit simplified-API format for a `Bitmap` with `channels` channels (1...4).
    static func format(channels: Int) -> png_uint_32 {
        (channels >= 3 ? color : 0) | (channels.isMultiple(of: 2) ? alpha : 0)
    }

    /// The 8-bit, palette-free format closest to what a file declares: palettes are expanded and
    /// 16-bit samples reduced, so every file decodes to one of the `Bitmap` layouts.
    static func eightBit(closestTo format: png_uint_32) -> png_uint_32 {
        format & (color | alpha)
    }

    static func channels(of format: png_uint_32) -> Int {
        1 + (format & color != 0 ? 2 : 0) + (format & alpha != 0 ? 1 : 0)
    }
}
