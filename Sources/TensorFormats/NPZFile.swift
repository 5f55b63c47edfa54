import Foundation

/// NumPy's `.npz` archives (`numpy.savez`, `numpy.savez_compressed`): a zip of `.npy` files, one per
/// array, named `<name>.npy`. pytorch-fid's `--save-stats` writes its reference statistics this way
/// (`mu`, float64 [2048], and `sigma`, float64 [2048, 2048]).
///
/// The arrays come as a `SafeTensors` value (named arrays with a dtype, a shape and little-endian
/// bytes), so that their values are read with its accessors (`doubles(_:)`, `floats(_:)`, …) exactly,
/// without the rounding to float32 of `NPYArray`. Names lose their `.npy`, as `numpy.load` shows them.
///
/// Every throwing member throws `NPZError`; nothing traps on a damaged or hostile file.
public enum NPZFile {
    /// The dtypes read and written: NumPy's descriptors and the matching safetensors dtypes.
    private static let dtypes: [(descr: String, dtype: SafeTensorsDType)] = [
        ("<f4", .f32), ("<f8", .f64), ("<f2", .f16), ("<i8", .i64), ("<i4", .i32), ("<i2", .i16), ("|i1", .i8),
        ("|u1", .u8), ("<u2", .u16), ("<u4", .u32), ("<u8", .u64), ("|b1", .bool),
    ]

    /// Reads the `.npz` file at `url`; a problem with its contents is reported as `.inFile(path:, problem)`.
    public static func read(contentsOf url: URL) throws(NPZError) -> SafeTensors {
        try FileAccess.decodeFileBytes(url) { bytes throws(NPZError) in try read(bytes: bytes) }
    }

    /// Reads the bytes of an `.npz` file: every entry, stored or deflated, in archive order.
    public static func read(bytes: [UInt8]) throws(NPZError) -> SafeTensors {
        let archive: ZipArchive
        do { archive = try ZipArchive(bytes: bytes) } catch { throw .zip(error) }
        var arrays = SafeTensors()
        for entry in archive.entries {
            let name = entry.name.hasSuffix(".npy") ? String(entry.name.dropLast(4)) : entry.name
            guard arrays[name] == nil else { throw .duplicateName(name) }
            let contents: Data
            do { contents = Data(try archive.contents(of: entry)) } catch { throw .zip(error) }
            let (dtype, shape, payload): (SafeTensorsDType, [Int], Data)
            do {
                (dtype, shape, payload) = try contents.decode { bytes throws(NPYError) in
                    let (header, dataStart) = try NPYHeader.read(bytes)
                    guard let dtype = Self.dtype(descr: header.descr) else { throw .unsupportedDType(header.descr) }
                    return (dtype, header.shape, Data(try header.payload(of: bytes, from: dataStart, elementSize: dtype.byteSize)))
                }
            } catch {
                throw .entry(name: entry.name, error)
            }
            // The payload was checked against the shape: only the name can be refused here.
            do { try arrays.set(name, dtype: dtype, shape: shape, bytes: payload) } catch { throw .invalidArray(name: name, reason: error.description) }
        }
        return arrays
    }

    private static func dtype(descr: String) -> SafeTensorsDType? {
        if let found = dtypes.first(where: { $0.descr == descr }) { return found.dtype }
        // One-byte types have no byte order: NumPy writes '|', other writers may put '<' or '>'.
        return dtypes.first { $0.descr.first == "|" && $0.descr.dropFirst() == descr.dropFirst() }?.dtype
    }

    /// The bytes of the `.npz` file holding `arrays`, in their order: each as the `.npy` file
    /// `numpy.save` writes, stored uncompressed as `numpy.savez` does.
    public static func encoded(_ arrays: SafeTensors) throws(NPZError) -> Data {
        var entries = [(name: String, bytes: Data)]()
        for entry in arrays.entries {
            guard let descr = dtypes.first(where: { $0.dtype == entry.dtype })?.descr else {
                throw .unsupportedDType(entry: entry.name, dtype: entry.dtype.rawValue)
            }
            var file = NPYHeader(descr: descr, fortranOrder: false, shape: entry.shape).filePrefix
            file.append(entry.bytes)
            entries.append((entry.name + ".npy", file))
        }
        do { return try ZipWriter.stored(entries) } catch { throw .zip(error) }
    }

    /// Writes `encoded(arrays)` to `url` atomically: a crash or failure leaves either the previous
    /// file or the complete new one, and on failure no temporary file behind.
    public static func write(_ arrays: SafeTensors, to url: URL) throws(NPZError) {
        let data: Data
        do { data = try encoded(arrays) } catch { throw .cannotWrite(path: url.path, reason: error.description) }
        try FileAccess.writeAtomically(data, to: url, as: NPZError.self)
    }
}

/// Everything that can go wrong reading or writing a NumPy `.npz` file (`NPZFile`).
///
/// Each description is one line naming the problem (and, through `inFile`, the file).
public indirect enum NPZError: Error, Equatable, Sendable, CustomStringConvertible, FileFormatError {
    case cannotRead(path: String, reason: String)
    case cannotWrite(path: String, reason: String)
    /// A problem with the contents of the file at `path`.
    case inFile(path: String, NPZError)
    /// The archive itself is damaged.
    case zip(ZipError)
    /// The zip entry `name` is not a `.npy` file that is read.
    case entry(name: String, NPYError)
    /// Two entries give the same array name (`a` and `a.npy`).
    case duplicateName(String)
    /// An array that cannot be held under its name (`__metadata__`, which `SafeTensors` reserves).
    case invalidArray(name: String, reason: String)
    /// An array whose dtype has no NumPy descriptor here (bfloat16, the 8-bit floats).
    case unsupportedDType(entry: String, dtype: String)

    public var description: String {
        switch self {
        case let .cannotRead(path, reason): "cannot read .npz file \(path): \(reason)"
        case let .cannotWrite(path, reason): "cannot write .npz file \(path): \(reason)"
        case let .inFile(path, problem): ".npz file \(path): \(problem)"
        case let .zip(problem): "\(problem)"
        case let .entry(name, problem): "entry '\(name)': \(problem)"
        case let .duplicateName(name): "two entries hold the array '\(name)'"
        case let .invalidArray(name, reason): "array '\(name)': \(reason)"
        case let .unsupportedDType(entry, dtype): "array '\(entry)' has dtype \(dtype), which .npz files here do not hold"
        }
    }
}
