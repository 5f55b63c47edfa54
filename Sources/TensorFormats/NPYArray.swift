import Foundation

/// A float32 array in NumPy's `.npy` format, C (row-major) order.
///
/// Reads format versions 1.0 and 2.0 with dtype `'<f4'`, `'<f8'` with each value rounded to the
/// nearest `Float` (so a float64 file loses precision, and values beyond `Float`'s range become
/// infinities), or `'|u1'` (bytes, exactly; `elementType` tells them apart, e.g. 0–255 pixels). Writes `'<f4'` exactly as `numpy.save` does: version 1.0 unless the header needs 2.0,
/// header padded so that the data starts at a multiple of 64 bytes.
///
/// Every throwing member throws `NPYError`; nothing traps on bad input.
public struct NPYArray: Equatable, Sendable {
    /// Dimensions, outermost first; `[]` is a scalar (one value).
    public let shape: [Int]
    /// The values in row-major order.
    public let values: [Float]
    /// What the file stored; an array made in memory is `.float32`. Not part of equality: two
    /// arrays are equal when their shapes and values are.
    public private(set) var elementType: NPYElementType = .float32

    public static func == (left: NPYArray, right: NPYArray) -> Bool {
        left.shape == right.shape && left.values == right.values
    }

    /// An array of `shape`; `values.count` must be its element count.
    public init(shape: [Int], values: [Float]) throws(NPYError) {
        guard ElementCount.of(shape) == values.count else { throw .countMismatch(shape: shape, count: values.count) }
        self.shape = shape
        self.values = values
    }

    /// Reads the bytes of a `.npy` file.
    public init(data: Data) throws(NPYError) {
        self = try data.decode(with: Self.parse)
    }

    /// Reads a `.npy` file; a problem with its contents is reported as `.inFile(path:, problem)`.
    public init(contentsOf url: URL) throws(NPYError) {
        self = try FileAccess.decodeFile(url) { data throws(NPYError) in try NPYArray(data: data) }
    }

    /// The bytes of the `.npy` file for this array.
    public func encoded() -> Data {
        var data = NPYHeader(descr: "<f4", fortranOrder: false, shape: shape).filePrefix
        data.append(LittleEndianBytes.encode(values))
        return data
    }

    /// Writes `encoded()` to `url` atomically: a crash or failure leaves either the previous file or the
    /// complete new one, and on failure no temporary file behind.
    public func write(to url: URL) throws(NPYError) {
        try FileAccess.writeAtomically(encoded(), to: url, as: NPYError.self)
    }

    private static func parse(_ bytes: UnsafeRawBufferPointer) throws(NPYError) -> NPYArray {
        let (header, dataStart) = try NPYHeader.read(bytes)
        guard let elementType = NPYElementType(descr: header.descr) else { throw .unsupportedDType(header.descr) }
        let payload = try header.payload(of: bytes, from: dataStart, elementSize: elementType.byteSize)
        let values = switch elementType {
        case .float32: LittleEndianBytes.decode(payload, as: Float.self)
        case .float64: LittleEndianBytes.decode(payload, as: Double.self).map(Float.init)
        case .uint8: payload.map(Float.init)
        }
        var array = try NPYArray(shape: header.shape, values: values)
        array.elementType = elementType
        return array
    }
}

/// The dtypes `NPYArray` reads.
public enum NPYElementType: String, CaseIterable, Sendable {
    case float32 = "<f4", float64 = "<f8", uint8 = "|u1"

    /// NumPy writes bytes as `'|u1'`; `'<u1'` and `'>u1'` mean the same.
    init?(descr: String) {
        switch descr {
        case "<f4": self = .float32
        case "<f8": self = .float64
        case "|u1", "<u1", ">u1": self = .uint8
        default: return nil
        }
    }

    var byteSize: Int {
        switch self {
        case .float32: 4
        case .float64: 8
        case .uint8: 1
        }
    }
}
