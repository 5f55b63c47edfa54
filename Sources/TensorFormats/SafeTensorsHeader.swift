import WGANFiles

/// A safetensors JSON header, parsed and validated against the byte buffer that follows it.
///
/// The checks follow the reference implementation: every dtype known, every byte range inside the
/// buffer and exactly as long as its shape needs, and the ranges tiling the buffer with no overlap and no
/// hole. A value that passes can be sliced without further checks.
struct SafeTensorsHeader {
    struct TensorRange {
        let name: String
        let dtype: SafeTensorsDType
        let shape: [Int]
        /// Byte offsets relative to the start of the buffer.
        let begin: Int
        let end: Int
    }

    /// In header order.
    private(set) var tensors: [TensorRange] = []
    private(set) var metadata: [String: String] = [:]

    init(json: [UInt8], bufferSize: Int) throws(SafeTensorsError) {
        guard String(validating: json, as: UTF8.self) != nil else { throw .headerNotUTF8 }
        let root: JSONValue
        do {
            root = try JSONParser.parse(json)
        } catch {
            throw .headerNotJSON(reason: "\(error.message) at byte \(error.offset)")
        }
        guard case let .object(members) = root else { throw .headerNotObject }
        var seenKeys = Set<String>()
        for member in members {
            guard seenKeys.insert(member.key).inserted else { throw .duplicateName(member.key) }
            if member.key == SafeTensors.metadataKey {
                metadata = try Self.metadata(from: member.value)
            } else {
                tensors.append(try Self.tensorRange(member.key, member.value, bufferSize: bufferSize))
            }
        }
        try Self.checkTiling(tensors, bufferSize: bufferSize)
    }

    private static func metadata(from value: JSONValue) throws(SafeTensorsError) -> [String: String] {
        guard case let .object(members) = value else { throw .metadataNotObject }
        var metadata: [String: String] = [:]
        for member in members {
            guard case let .string(text) = member.value else { throw .metadataValueNotString(key: member.key) }
            // A repeated key is harmless here (no data depends on it); the last one wins, as in most JSON readers.
            metadata[member.key] = text
        }
        return metadata
    }

    private static func tensorRange(_ name: String, _ value: JSONValue, bufferSize: Int) throws(SafeTensorsError) -> TensorRange {
        guard case let .object(members) = value else { throw .entryNotObject(tensor: name) }
        var fields: [String: JSONValue] = [:]
        for member in members {
            guard fields.updateValue(member.value, forKey: member.key) == nil else {
                throw .malformedEntry(tensor: name, reason: "field \"\(member.key)\" appears more than once")
            }
        }
        func field(_ key: String) throws(SafeTensorsError) -> JSONValue {
            guard let found = fields[key] else { throw .malformedEntry(tensor: name, reason: "no \"\(key)\" field") }
            return found
        }

        guard case let .string(dtypeName) = try field("dtype") else {
            throw .malformedEntry(tensor: name, reason: "dtype is not a string")
        }
        guard let dtype = SafeTensorsDType(rawValue: dtypeName) else { throw .unknownDType(tensor: name, dtype: dtypeName) }
        guard let shape = nonNegativeIntegers(try field("shape")) else { throw .invalidShape(tensor: name) }
        guard let offsets = nonNegativeIntegers(try field("data_offsets")), offsets.count == 2 else {
            throw .invalidDataOffsets(tensor: name)
        }
        let (begin, end) = (offsets[0], offsets[1])
        guard begin <= end else { throw .reversedDataOffsets(tensor: name, begin: begin, end: end) }
        guard end <= bufferSize else { throw .dataOutOfBounds(tensor: name, end: end, bufferSize: bufferSize) }
        try SafeTensors.checkSize(tensor: name, dtype: dtype, shape: shape, byteCount: end - begin)
        return TensorRange(name: name, dtype: dtype, shape: shape, begin: begin, end: end)
    }

    private static func nonNegativeIntegers(_ value: JSONValue) -> [Int]? {
        guard case let .array(elements) = value else { return nil }
        var integers: [Int] = []
        for element in elements {
            guard case let .integer(integer) = element, integer >= 0 else { return nil }
            integers.append(integer)
        }
        return integers
    }

    /// The ranges, in offset order, must follow one another from 0 to the end of the buffer.
    private static func checkTiling(_ tensors: [TensorRange], bufferSize: Int) throws(SafeTensorsError) {
        let sorted = tensors.sorted { ($0.begin, $0.end) < ($1.begin, $1.end) }
        var covered = 0
        var previous: TensorRange?
        for tensor in sorted {
            if tensor.begin < covered, let previous { throw .overlappingData(tensor: tensor.name, other: previous.name) }
            if tensor.begin > covered { throw .uncoveredBytes(begin: covered, end: tensor.begin) }
            covered = tensor.end
            previous = tensor
        }
        guard covered == bufferSize else { throw .uncoveredBytes(begin: covered, end: bufferSize) }
    }
}
