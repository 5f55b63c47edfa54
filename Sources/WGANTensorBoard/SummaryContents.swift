/// `Summary.Image`: an encoded picture (PNG here) with its size and colour space
/// (1 grey, 2 grey and alpha, 3 RGB, 4 RGBA).
public struct ImageSummary: Equatable, Sendable {
    public var height: Int
    public var width: Int
    public var colorspace: Int
    /// The PNG file's bytes (`encoded_image_string`).
    public var png: [UInt8]

    public init(height: Int, width: Int, colorspace: Int, png: [UInt8]) {
        (self.height, self.width, self.colorspace, self.png) = (height, width, colorspace, png)
    }

    /// A PNG file's bytes, its size and colour space read from its header (IHDR).
    ///
    /// - Throws: `ProtobufError` for bytes that do not begin as a PNG file does.
    public init(png: [UInt8]) throws(ProtobufError) {
        let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        guard png.count >= 33, Array(png[0..<8]) == signature, Array(png[12..<16]) == Array("IHDR".utf8) else {
            throw ProtobufError("not a PNG file (no PNG signature and IHDR chunk)")
        }
        func bigEndian(_ at: Int) -> Int { (0..<4).reduce(0) { $0 << 8 | Int(png[at + $1]) } }
        // PNG colour types: 0 grey, 2 RGB, 3 palette (shown as RGB), 4 grey and alpha, 6 RGBA.
        let colorspace = [0: 1, 2: 3, 3: 3, 4: 2, 6: 4][Int(png[25])] ?? 3
        self.init(height: bigEndian(20), width: bigEndian(16), colorspace: colorspace, png: png)
    }

    func encode(into writer: inout ProtobufWriter) {
        if height != 0 { writer.appendInt64(1, Int64(height)) }
        if width != 0 { writer.appendInt64(2, Int64(width)) }
        if colorspace != 0 { writer.appendInt64(3, Int64(colorspace)) }
        if !png.isEmpty { writer.appendBytes(4, png) }
    }

    init(decoding bytes: [UInt8]) throws(ProtobufError) {
        var reader = ProtobufReader(bytes)
        self.init(height: 0, width: 0, colorspace: 0, png: [])
        while let field = try reader.next() {
            switch field {
            case .varint(1, let value): height = Int(truncatingIfNeeded: value)
            case .varint(2, let value): width = Int(truncatingIfNeeded: value)
            case .varint(3, let value): colorspace = Int(truncatingIfNeeded: value)
            case .bytes(4, let value): png = value
            default: throw ProtobufError("Summary.Image has an unexpected field \(field.number)")
            }
        }
    }
}

/// `HistogramProto`: a distribution of values in buckets. Bucket i holds the values from
/// `bucketLimits[i - 1]` (from `min` for the first) up to `bucketLimits[i]`, as TensorBoard reads it.
public struct HistogramSummary: Equatable, Sendable {
    public var min: Double
    public var max: Double
    /// How many values.
    public var count: Double
    public var sum: Double
    public var sumOfSquares: Double
    /// Each bucket's right edge; the last is `max`.
    public var bucketLimits: [Double]
    public var bucketCounts: [Double]

    public init(min: Double, max: Double, count: Double, sum: Double, sumOfSquares: Double, bucketLimits: [Double],
                bucketCounts: [Double]) {
        (self.min, self.max, self.count, self.sum, self.sumOfSquares) = (min, max, count, sum, sumOfSquares)
        (self.bucketLimits, self.bucketCounts) = (bucketLimits, bucketCounts)
    }

    /// `values` in `buckets` buckets of equal width from their minimum to their maximum (one bucket
    /// when they are all equal; none when there are none). Values that are not finite are left out.
    public init(values: [Float], buckets: Int = 30) {
        precondition(buckets >= 1, "a histogram needs a bucket")
        let finite = values.lazy.filter(\.isFinite).map(Double.init)
        var (low, high, count, sum, squares) = (Double.infinity, -Double.infinity, 0.0, 0.0, 0.0)
        for value in finite {
            (low, high) = (Swift.min(low, value), Swift.max(high, value))
            (count, sum, squares) = (count + 1, sum + value, squares + value * value)
        }
        guard count > 0 else {
            self.init(min: 0, max: 0, count: 0, sum: 0, sumOfSquares: 0, bucketLimits: [], bucketCounts: [])
            return
        }
        let bucketCount = high > low ? buckets : 1
        let width = (high - low) / Double(bucketCount)
        var counts = [Double](repeating: 0, count: bucketCount)
        for value in finite {
            let index = width > 0 ? Int((value - low) / width) : 0
            counts[Swift.min(index, bucketCount - 1)] += 1
        }
        let limits = (1...bucketCount).map { $0 == bucketCount ? high : low + width * Double($0) }
        self.init(min: low, max: high, count: count, sum: sum, sumOfSquares: squares, bucketLimits: limits, bucketCounts: counts)
    }

    func encode(into writer: inout ProtobufWriter) {
        for (field, value) in [(1, min), (2, max), (3, count), (4, sum), (5, sumOfSquares)] where value != 0 {
            writer.appendDouble(field, value)
        }
        writer.appendPackedDoubles(6, bucketLimits)
        writer.appendPackedDoubles(7, bucketCounts)
    }

    init(decoding bytes: [UInt8]) throws(ProtobufError) {
        var reader = ProtobufReader(bytes)
        self.init(min: 0, max: 0, count: 0, sum: 0, sumOfSquares: 0, bucketLimits: [], bucketCounts: [])
        while let field = try reader.next() {
            switch field {
            case .fixed64(1, let bits): min = Double(bitPattern: bits)
            case .fixed64(2, let bits): max = Double(bitPattern: bits)
            case .fixed64(3, let bits): count = Double(bitPattern: bits)
            case .fixed64(4, let bits): sum = Double(bitPattern: bits)
            case .fixed64(5, let bits): sumOfSquares = Double(bitPattern: bits)
            case .bytes(6, let packed): bucketLimits += try Self.doubles(packed)
            case .bytes(7, let packed): bucketCounts += try Self.doubles(packed)
            default: throw ProtobufError("HistogramProto has an unexpected field \(field.number)")
            }
        }
    }

    private static func doubles(_ packed: [UInt8]) throws(ProtobufError) -> [Double] {
        guard packed.count % 8 == 0 else { throw ProtobufError("a packed double field of \(packed.count) bytes") }
        return stride(from: 0, to: packed.count, by: 8).map { start in
            Double(bitPattern: (0..<8).reduce(UInt64(0)) { $0 | UInt64(packed[start + $1]) << UInt64(8 * $1) })
        }
    }
}
