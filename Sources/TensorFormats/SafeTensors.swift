import Foundation

/// The contents of a safetensors file: named tensors, each a dtype, a shape and its raw little-endian
/// bytes in row-major order, plus string metadata.
///
/// Entries keep an order: insertion order for a value you build (replacing a tensor keeps its place),
/// header order for a value read from a file. Writing lays tensors out in its own order, described at
/// `encoded()`. Reading validates the whole file, so every entry of a value is consistent: its byte count
/// is its shape's element count times its dtype's size.
///
/// Every throwing member throws `SafeTensorsError`; nothing traps on bad input.
public struct SafeTensors: Equatable, Sendable {
    /// One tensor.
    public struct Entry: Equatable, Sendable {
        public let name: String
        public let dtype: SafeTensorsDType
        /// Dimensions, outermost first; `[]` is a scalar (one element).
        public let shape: [Int]
        /// The elements as the file stores them, without a copy of their own (see `EntryBytes`).
        let storage: any EntryBytes

        /// The elements as stored in the file: little-endian, row-major. A copy for an entry added
        /// from values or a `SafeTensorsFloatSource`, whose bytes are only laid out when the file is
        /// written.
        public var bytes: Data { storage as? Data ?? storage.withFileBytes { Data($0) } }

        /// The length of `bytes`.
        public var byteCount: Int { storage.byteCount }

        public var elementCount: Int { byteCount / dtype.byteSize }

        init(name: String, dtype: SafeTensorsDType, shape: [Int], storage: any EntryBytes) {
            self.name = name
            self.dtype = dtype
            self.shape = shape
            self.storage = storage
        }

        public static func == (left: Entry, right: Entry) -> Bool {
            left.name == right.name && left.dtype == right.dtype && left.shape == right.shape
                && left.storage.withFileBytes { leftBytes in
                    right.storage.withFileBytes { rightBytes in
                        leftBytes.count == rightBytes.count
                            && (leftBytes.isEmpty || memcmp(leftBytes.baseAddress!, rightBytes.baseAddress!, leftBytes.count) == 0)
                    }
                }
        }

        /// The values, taken as they are when the entry holds an array of them and decoded from
        /// the bytes otherwise; the caller has checked the dtype.
        func values<Element: LittleEndianElement>(as _: Element.Type) -> [Element] {
            storage as? [Element] ?? storage.withFileBytes { LittleEndianBytes.decode($0, as: Element.self) }
        }
    }

    /// The tensors, in order (see the type's documentation).
    public private(set) var entries: [Entry] = []
    private var indexByName: [String: Int] = [:]
    /// The header's `__metadata__`; written with keys sorted, and omitted when empty.
    public var metadata: [String: String]

    /// The key of the header object that holds metadata rather than a tensor.
    public static let metadataKey = "__metadata__"

    public init(metadata: [String: String] = [:]) {
        self.metadata = metadata
    }

    public var names: [String] { entries.map(\.name) }

    public subscript(name: String) -> Entry? {
        indexByName[name].map { entries[$0] }
    }

    public func dtype(of name: String) throws(SafeTensorsError) -> SafeTensorsDType {
        try entry(name).dtype
    }

    public func shape(of name: String) throws(SafeTensorsError) -> [Int] {
        try entry(name).shape
    }

    /// The values of an F32 tensor. An F64 tensor is refused rather than silently rounded: use
    /// `roundedFloats(_:)` to accept it.
    public func floats(_ name: String) throws(SafeTensorsError) -> [Float] {
        try entry(name, accepting: [.f32]).values(as: Float.self)
    }

    /// The values of an F32 tensor as they are, or of an F64 tensor each rounded to the nearest `Float`
    /// (values beyond `Float`'s range become infinities).
    public func roundedFloats(_ name: String) throws(SafeTensorsError) -> [Float] {
        let found = try entry(name, accepting: [.f32, .f64])
        if found.dtype == .f32 { return found.values(as: Float.self) }
        return found.values(as: Double.self).map(Float.init)
    }

    /// The values of an F64 tensor, or of an F32 tensor widened (exactly) to `Double`.
    public func doubles(_ name: String) throws(SafeTensorsError) -> [Double] {
        let found = try entry(name, accepting: [.f64, .f32])
        if found.dtype == .f64 { return found.values(as: Double.self) }
        return found.values(as: Float.self).map(Double.init)
    }

    /// The values of an I64 tensor.
    public func int64s(_ name: String) throws(SafeTensorsError) -> [Int64] {
        try entry(name, accepting: [.i64]).values(as: Int64.self)
    }

    /// Adds or replaces an F32 tensor. `values.count` must be the element count of `shape`.
    ///
    /// The entry keeps `values` itself (sharing the array's storage), not a copy of their bytes:
    /// checkpoints hold tens of megabytes of them.
    public mutating func set(_ name: String, floats values: [Float], shape: [Int]) throws(SafeTensorsError) {
        try set(name, values, as: .f32, shape: shape)
    }

    /// Adds or replaces an F64 tensor. `values.count` must be the element count of `shape`.
    public mutating func set(_ name: String, doubles values: [Double], shape: [Int]) throws(SafeTensorsError) {
        try set(name, values, as: .f64, shape: shape)
    }

    /// Adds or replaces an I64 tensor. `values.count` must be the element count of `shape`.
    public mutating func set(_ name: String, int64s values: [Int64], shape: [Int]) throws(SafeTensorsError) {
        try set(name, values, as: .i64, shape: shape)
    }

    /// Adds or replaces an F32 tensor whose elements stay in `source` and are read from there when
    /// the file is written (see `SafeTensorsFloatSource` for what that asks of the caller).
    /// `source.count` must be the element count of `shape`.
    public mutating func set(_ name: String, floatsIn source: some SafeTensorsFloatSource, shape: [Int]) throws(SafeTensorsError) {
        try Self.checkCount(tensor: name, shape: shape, count: source.count)
        #if _endian(big)
        let storage = LittleEndianBytes.encode(source.withUnsafeFloats { Array($0) })
        #else
        let storage = FloatSourceBytes(source: source)
        #endif
        store(Entry(name: name, dtype: .f32, shape: shape, storage: storage))
    }

    /// Adds or replaces a tensor of any dtype from its little-endian, row-major bytes.
    public mutating func set(_ name: String, dtype: SafeTensorsDType, shape: [Int], bytes: Data) throws(SafeTensorsError) {
        try Self.checkName(name)
        try Self.checkSize(tensor: name, dtype: dtype, shape: shape, byteCount: bytes.count)
        store(Entry(name: name, dtype: dtype, shape: shape, storage: bytes))
    }

    private mutating func set<Element: LittleEndianElement>(
        _ name: String, _ values: [Element], as dtype: SafeTensorsDType, shape: [Int]
    ) throws(SafeTensorsError) {
        try Self.checkCount(tensor: name, shape: shape, count: values.count)
        store(Entry(name: name, dtype: dtype, shape: shape, storage: LittleEndianBytes.entryBytes(values)))
    }

    /// Appends `entry`, or replaces the entry of the same name in place; the caller has validated it.
    mutating func store(_ entry: Entry) {
        if let index = indexByName[entry.name] {
            entries[index] = entry
        } else {
            indexByName[entry.name] = entries.count
            entries.append(entry)
        }
    }

    private static func checkName(_ name: String) throws(SafeTensorsError) {
        guard name != metadataKey else { throw .reservedName }
    }

    /// Checks a tensor given as `count` values: its name, and that they fill `shape`.
    private static func checkCount(tensor name: String, shape: [Int], count: Int) throws(SafeTensorsError) {
        try checkName(name)
        guard shape.allSatisfy({ $0 >= 0 }) else { throw .invalidShape(tensor: name) }
        guard ElementCount.of(shape) == count else {
            throw .countMismatch(tensor: name, shape: shape, count: count)
        }
    }

    /// Checks that `byteCount` bytes are exactly what `shape` of `dtype` needs, without overflowing.
    static func checkSize(tensor: String, dtype: SafeTensorsDType, shape: [Int], byteCount: Int) throws(SafeTensorsError) {
        guard shape.allSatisfy({ $0 >= 0 }) else { throw .invalidShape(tensor: tensor) }
        guard let expected = ElementCount.byteCount(of: shape, elementSize: dtype.byteSize) else {
            throw .sizeOverflow(tensor: tensor)
        }
        guard expected == byteCount else {
            throw .sizeMismatch(tensor: tensor, expectedBytes: expected, actualBytes: byteCount)
        }
    }

    private func entry(_ name: String, accepting dtypes: [SafeTensorsDType]? = nil) throws(SafeTensorsError) -> Entry {
        guard let found = self[name] else { throw .missingTensor(name) }
        if let dtypes, !dtypes.contains(found.dtype) {
            throw .dtypeMismatch(tensor: name, dtype: found.dtype, expected: dtypes)
        }
        return found
    }
}
