import WGANFiles

/// Everything that can go wrong reading, building or writing a safetensors file.
///
/// Each description is one line naming the tensor (and, through `inFile`, the file) and the problem.
public indirect enum SafeTensorsError: Error, Equatable, Sendable, CustomStringConvertible, FileFormatError {
    // The file as a whole.
    case cannotRead(path: String, reason: String)
    case cannotWrite(path: String, reason: String)
    /// A problem with the contents of the file at `path`.
    case inFile(path: String, SafeTensorsError)
    case tooShort(byteCount: Int)

    // The header.
    case emptyHeader
    case headerTooLarge(length: UInt64, limit: Int)
    case headerPastEnd(length: UInt64, available: Int)
    case headerNotUTF8
    case headerNotJSON(reason: String)
    case headerNotObject
    case duplicateName(String)
    case metadataNotObject
    case metadataValueNotString(key: String)

    // One tensor's description in the header.
    case entryNotObject(tensor: String)
    /// A field missing, repeated or of the wrong JSON type.
    case malformedEntry(tensor: String, reason: String)
    case unknownDType(tensor: String, dtype: String)
    case invalidShape(tensor: String)
    case invalidDataOffsets(tensor: String)
    case reversedDataOffsets(tensor: String, begin: Int, end: Int)
    case dataOutOfBounds(tensor: String, end: Int, bufferSize: Int)
    /// The shape's byte size does not fit in `Int`.
    case sizeOverflow(tensor: String)
    case sizeMismatch(tensor: String, expectedBytes: Int, actualBytes: Int)

    // The byte buffer as a whole.
    case overlappingData(tensor: String, other: String)
    case uncoveredBytes(begin: Int, end: Int)

    // Using the value.
    case missingTensor(String)
    case dtypeMismatch(tensor: String, dtype: SafeTensorsDType, expected: [SafeTensorsDType])
    case countMismatch(tensor: String, shape: [Int], count: Int)
    case reservedName

    public var description: String {
        switch self {
        case let .cannotRead(path, reason): "cannot read safetensors file \(path): \(reason)"
        case let .cannotWrite(path, reason): "cannot write safetensors file \(path): \(reason)"
        case let .inFile(path, problem): "safetensors file \(path): \(problem)"
        case let .tooShort(byteCount): "\(byteCount) bytes is too short for the 8-byte header length"
        case .emptyHeader: "the header length is 0"
        case let .headerTooLarge(length, limit): "the header length \(length) exceeds the limit of \(limit) bytes"
        case let .headerPastEnd(length, available):
            "the header length \(length) runs past the end of the data (\(available) bytes follow the length)"
        case .headerNotUTF8: "the header is not valid UTF-8"
        case let .headerNotJSON(reason): "the header is not valid JSON: \(reason)"
        case .headerNotObject: "the header is not a JSON object"
        case let .duplicateName(name): "the header names \(quoted(name)) more than once"
        case .metadataNotObject: "__metadata__ is not a JSON object"
        case let .metadataValueNotString(key): "__metadata__ value for \(quoted(key)) is not a string"
        case let .entryNotObject(tensor): "tensor \(quoted(tensor)): its description is not a JSON object"
        case let .malformedEntry(tensor, reason): "tensor \(quoted(tensor)): \(reason)"
        case let .unknownDType(tensor, dtype): "tensor \(quoted(tensor)): unknown dtype \(quoted(dtype))"
        case let .invalidShape(tensor): "tensor \(quoted(tensor)): shape is not an array of non-negative integers"
        case let .invalidDataOffsets(tensor):
            "tensor \(quoted(tensor)): data_offsets is not an array of two non-negative integers"
        case let .reversedDataOffsets(tensor, begin, end):
            "tensor \(quoted(tensor)): data_offsets begin \(begin) is after end \(end)"
        case let .dataOutOfBounds(tensor, end, bufferSize):
            "tensor \(quoted(tensor)): data ends at \(end), past the \(bufferSize)-byte buffer"
        case let .sizeOverflow(tensor): "tensor \(quoted(tensor)): shape's byte size overflows"
        case let .sizeMismatch(tensor, expectedBytes, actualBytes):
            "tensor \(quoted(tensor)): shape and dtype need \(expectedBytes) bytes but \(actualBytes) are given"
        case let .overlappingData(tensor, other): "tensor \(quoted(tensor)): data overlaps that of \(quoted(other))"
        case let .uncoveredBytes(begin, end): "buffer bytes \(begin)..<\(end) belong to no tensor"
        case let .missingTensor(name): "no tensor named \(quoted(name))"
        case let .dtypeMismatch(tensor, dtype, expected):
            "tensor \(quoted(tensor)) is \(dtype.rawValue), expected \(expected.map(\.rawValue).joined(separator: " or "))"
        case let .countMismatch(tensor, shape, count):
            "tensor \(quoted(tensor)): \(count) values do not fill shape \(shape)"
        case .reservedName: "\"__metadata__\" is reserved for the header's metadata and cannot name a tensor"
        }
    }
}

/// Names are quoted in messages so that an empty name or one with spaces reads unambiguously.
private func quoted(_ name: String) -> String {
    JSONWriting.quoted(name)
}
