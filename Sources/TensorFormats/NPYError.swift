/// Everything that can go wrong reading, building or writing a NumPy `.npy` file.
///
/// Each description is one line naming the problem (and, through `inFile`, the file).
public indirect enum NPYError: Error, Equatable, Sendable, CustomStringConvertible, FileFormatError {
    case cannotRead(path: String, reason: String)
    case cannotWrite(path: String, reason: String)
    /// A problem with the contents of the file at `path`.
    case inFile(path: String, NPYError)
    /// The data does not start with the `\x93NUMPY` magic string.
    case notNPY
    case unsupportedVersion(major: UInt8, minor: UInt8)
    case truncatedHeader(expectedBytes: Int, availableBytes: Int)
    case malformedHeader(reason: String)
    /// Only the dtypes of `NPYElementType` are read: little-endian float32 and float64, and bytes.
    case unsupportedDType(String)
    /// Column-major data (`fortran_order: True`) is not read.
    case fortranOrder
    /// The shape's byte size does not fit in `Int`.
    case sizeOverflow(shape: [Int])
    case truncatedData(expectedBytes: Int, availableBytes: Int)
    case trailingData(expectedBytes: Int, availableBytes: Int)
    case countMismatch(shape: [Int], count: Int)

    public var description: String {
        switch self {
        case let .cannotRead(path, reason): "cannot read .npy file \(path): \(reason)"
        case let .cannotWrite(path, reason): "cannot write .npy file \(path): \(reason)"
        case let .inFile(path, problem): ".npy file \(path): \(problem)"
        case .notNPY: "not a .npy file: it does not start with \\x93NUMPY"
        case let .unsupportedVersion(major, minor): "unsupported .npy format version \(major).\(minor) (1.0 and 2.0 are read)"
        case let .truncatedHeader(expectedBytes, availableBytes):
            "the header needs \(expectedBytes) bytes but the file has \(availableBytes)"
        case let .malformedHeader(reason): "malformed header: \(reason)"
        case let .unsupportedDType(descr):
            "unsupported dtype '\(descr)' (only " + NPYElementType.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ") + " are read)"
        case .fortranOrder: "the array is in Fortran (column-major) order; only C order is read"
        case let .sizeOverflow(shape): "shape \(shape) is too large"
        case let .truncatedData(expectedBytes, availableBytes):
            "truncated data: the shape needs \(expectedBytes) bytes but \(availableBytes) follow the header"
        case let .trailingData(expectedBytes, availableBytes):
            "\(availableBytes) bytes follow the header where the shape needs \(expectedBytes)"
        case let .countMismatch(shape, count): "\(count) values do not fill shape \(shape)"
        }
    }
}
