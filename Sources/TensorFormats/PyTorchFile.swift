import Foundation

/// State dicts saved by `torch.save`, read without Python into named tensors (a `SafeTensors`
/// value, whose accessors give the values): both of PyTorch's formats.
///
/// - The zip format (PyTorch ≥ 1.6): an archive holding `<name>/data.pkl`, the pickled dict, and
///   `<name>/data/<key>`, each storage's raw little-endian bytes (`<name>/byteorder` says which).
/// - The legacy format (`_use_new_zipfile_serialization=False`, and every file before 1.6):
///   consecutive pickles (the magic number, the protocol version 1001, a dict of system
///   information, the dict itself, the list of storage keys), then each storage's element count
///   as 8 bytes followed by its raw bytes.
///
/// Tensors may be views (an offset and strides into a storage shared with others); each comes
/// back contiguous, in row-major order. Every dtype of a whole number of bytes is read (float32,
/// float64, float16, bfloat16, the integers, bool). The pickles are read by `Unpickler` with
/// nothing run: any global other than the tensor-rebuild functions, `collections.OrderedDict` and
/// PyTorch's storage and dtype names is refused with an error that names it.
///
/// Every throwing member throws `PyTorchFileError`; nothing traps on a damaged or hostile file.
public enum PyTorchFile {
    /// Reads the state dict in the `.pth` file at `url`; a problem with its contents is reported as
    /// `.inFile(path:, problem)`.
    public static func read(contentsOf url: URL) throws(PyTorchFileError) -> SafeTensors {
        try FileAccess.decodeFileBytes(url) { bytes throws(PyTorchFileError) in try read(bytes: bytes) }
    }

    /// Reads the state dict in the bytes of a `.pth` file, tensors in the dict's order.
    public static func read(bytes: [UInt8]) throws(PyTorchFileError) -> SafeTensors {
        if bytes.starts(with: [0x50, 0x4B]) { return try readZip(bytes) }                 // "PK"
        if bytes.first == 0x80 { return try readLegacy(bytes) }                               // pickle PROTO
        throw .notPyTorch
    }

    // MARK: - The zip format

    private static func readZip(_ bytes: [UInt8]) throws(PyTorchFileError) -> SafeTensors {
        let archive: ZipArchive
        do { archive = try ZipArchive(bytes: bytes) } catch { throw .zip(error) }
        // Every entry sits in one folder named after the file when it was saved.
        let pickles = archive.entries.filter { $0.name.hasSuffix("/data.pkl") && $0.name.dropLast(9).firstIndex(of: "/") == nil }
        guard pickles.count == 1 else {
            throw .malformed("the archive holds \(pickles.count) '<name>/data.pkl' entries where torch.save writes one")
        }
        let folder = String(pickles[0].name.dropLast("data.pkl".count))
        func contents(_ name: String) throws(PyTorchFileError) -> [UInt8] {
            do { return try archive.contents(named: name) } catch { throw .zip(error) }
        }
        // Files from before PyTorch wrote `byteorder` are little-endian.
        if archive.entry(named: folder + "byteorder") != nil {
            let order = String(decoding: try contents(folder + "byteorder"), as: UTF8.self)
            guard order == "little" else { throw .unsupported("the storages are \(order)-endian; only little-endian data is read") }
        }
        let dict = try unpickle(try contents(pickles[0].name), from: 0).value
        var storages = [String: [UInt8]]()
        return try tensors(PyTorchPickle.stateDict(dict)) { reference throws(PyTorchFileError) in
            if let loaded = storages[reference.key] { return loaded[...] }
            let loaded = try contents(folder + "data/" + reference.key)
            storages[reference.key] = loaded
            return loaded[...]
        }
    }

    // MARK: - The legacy format

    /// 0x1950a86a20f9469cfc6c, the first pickle of a legacy file, as `LONG1` stores it.
    private static let magicNumber: [UInt8] = [0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19]

    private static func readLegacy(_ bytes: [UInt8]) throws(PyTorchFileError) -> SafeTensors {
        var position = 0
        func next() throws(PyTorchFileError) -> PickleValue {
            let (value, end) = try unpickle(bytes, from: position)
            position = end
            return value
        }
        guard try next() == .largeInt(littleEndian: magicNumber) else { throw .notPyTorch }
        let version = try next()
        guard version == .int(1001) else { throw .unsupported("legacy protocol version \(version) (1001 is read)") }
        guard case .dict(let information) = try next() else { throw .malformed("the system information is not a dict") }
        guard information.contains(where: { $0 == (.string("little_endian"), .bool(true)) }) else {
            throw .unsupported("the file was saved on a big-endian machine; only little-endian data is read")
        }
        let references = try PyTorchPickle.stateDict(try next())
        guard case .list(let keyValues) = try next() else { throw .malformed("the list of storage keys is missing") }

        // Each storage's element type and count come from the persistent ids that name it.
        var described = [String: PyTorchPickle.StorageReference]()
        for (_, tensor) in references { described[tensor.storage.key] = tensor.storage }
        var storages = [String: ArraySlice<UInt8>]()
        for keyValue in keyValues {
            guard case .string(let key) = keyValue, let storage = described[key] else {
                throw .malformed("the storage key \(keyValue) belongs to no tensor")
            }
            guard storages[key] == nil else { throw .malformed("the storage '\(key)' is listed twice") }
            guard bytes.count - position >= 8 else { throw .malformed("the file ends before the storage '\(key)'") }
            var count: UInt64 = 0
            for i in 0..<8 { count |= UInt64(bytes[position + i]) << (8 * UInt64(i)) }
            position += 8
            guard count == UInt64(storage.count) else {
                throw .malformed("the storage '\(key)' holds \(count) elements where its tensors say \(storage.count)")
            }
            guard let byteCount = ElementCount.byteCount(of: [storage.count], elementSize: storage.dtype.byteSize),
                  byteCount <= bytes.count - position
            else { throw .malformed("the storage '\(key)' (\(storage.count) elements) runs past the end of the file") }
            storages[key] = bytes[position..<position + byteCount]
            position += byteCount
        }
        return try tensors(references) { reference throws(PyTorchFileError) in
            guard let storage = storages[reference.key] else { throw .malformed("the storage '\(reference.key)' is not in the file") }
            return storage
        }
    }

    // MARK: - Both formats

    private static func unpickle(_ bytes: [UInt8], from start: Int) throws(PyTorchFileError) -> (value: PickleValue, end: Int) {
        do { return try Unpickler.load(bytes, from: start, rules: PyTorchPickle.rules) } catch { throw .pickle(error) }
    }

    /// The tensors, each gathered from the bytes `storage` gives for its storage's key.
    private static func tensors(
        _ references: [(name: String, tensor: PyTorchPickle.TensorReference)],
        storage: (PyTorchPickle.StorageReference) throws(PyTorchFileError) -> ArraySlice<UInt8>
    ) throws(PyTorchFileError) -> SafeTensors {
        var result = SafeTensors()
        for (name, tensor) in references {
            let root = try storage(tensor.storage)
            let expected = ElementCount.byteCount(of: [tensor.storage.count], elementSize: tensor.storage.dtype.byteSize)
            guard root.count == expected else {
                throw .malformed("the storage '\(tensor.storage.key)' of '\(name)' has \(root.count) bytes, not \(tensor.storage.count) \(tensor.storage.dtype.rawValue) elements")
            }
            let bytes = try PyTorchPickle.contiguousBytes(tensor, root: root, name: name)
            do {
                try result.set(name, dtype: tensor.storage.dtype, shape: tensor.shape, bytes: bytes)
            } catch {
                throw .malformed("'\(name)': \(error)")
            }
        }
        return result
    }
}
