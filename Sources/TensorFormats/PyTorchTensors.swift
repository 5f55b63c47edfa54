import Foundation

/// How a `torch.save` pickle is read: which globals it may name, and how its tensors are rebuilt
/// from storages, the way `torch._utils._rebuild_tensor_v2` does but without running anything.
enum PyTorchPickle {
    /// The element types of PyTorch's storage classes (`torch.FloatStorage`) and dtypes
    /// (`torch.float32`, which newer versions put in the persistent id instead).
    static let dtypes: [String: SafeTensorsDType] = [
        "FloatStorage": .f32, "DoubleStorage": .f64, "HalfStorage": .f16, "BFloat16Storage": .bf16,
        "LongStorage": .i64, "IntStorage": .i32, "ShortStorage": .i16, "CharStorage": .i8,
        "ByteStorage": .u8, "BoolStorage": .bool,
        "float32": .f32, "float": .f32, "float64": .f64, "double": .f64, "float16": .f16, "half": .f16,
        "bfloat16": .bf16, "int64": .i64, "long": .i64, "int32": .i32, "int": .i32, "int16": .i16,
        "short": .i16, "int8": .i8, "uint8": .u8, "bool": .bool,
    ]

    static let rebuildTensor = PickleValue.global(module: "torch._utils", name: "_rebuild_tensor_v2")
    static let rebuildParameter = PickleValue.global(module: "torch._utils", name: "_rebuild_parameter")
    static let orderedDict = PickleValue.global(module: "collections", name: "OrderedDict")

    /// Only the tensor-rebuild functions, `OrderedDict` and the storage and dtype names: any other
    /// global (`os.system`, `builtins.eval`) stops the read where it appears.
    static let rules = Unpickler.Rules(
        allowsGlobal: { module, name in
            let global = PickleValue.global(module: module, name: name)
            return global == rebuildTensor || global == rebuildParameter || global == orderedDict
                || (module == "torch" && dtypes[name] != nil)
        },
        // A state dict is an `OrderedDict()` filled by `SETITEMS`; so are the empty backward hooks.
        call: { callable, arguments in callable == orderedDict && arguments.isEmpty ? .dict([]) : nil })

    /// A storage named by a persistent id: its key in the file, its element type and element count,
    /// and for a legacy view, the part of it that the tensor's storage is (in elements).
    struct StorageReference {
        let key: String
        let dtype: SafeTensorsDType
        let count: Int
        let view: (offset: Int, count: Int)?
    }

    /// A tensor as `_rebuild_tensor_v2(storage, offset, size, stride, …)` describes it, in elements.
    struct TensorReference {
        let storage: StorageReference
        let offset: Int
        let shape: [Int]
        let strides: [Int]
    }

    /// The named tensors of a state dict: `{name: tensor}`, possibly an `OrderedDict` carrying
    /// `_metadata` as its state, in the dict's order.
    static func stateDict(_ value: PickleValue) throws(PyTorchFileError) -> [(name: String, tensor: TensorReference)] {
        var value = value
        // `OrderedDict` pickles its `__dict__` (the state dict's `_metadata`) as a BUILD: not a tensor.
        if case .built(let object, _) = value { value = object }
        guard case .dict(let pairs) = value else { throw .malformed("the pickled object is not a dict of tensors") }
        var seen = Set<String>()
        var tensors = [(name: String, tensor: TensorReference)]()
        for (key, item) in pairs {
            guard case .string(let name) = key else { throw .malformed("a key of the dict is not a string") }
            guard seen.insert(name).inserted else { throw .malformed("the key '\(name)' appears twice") }
            tensors.append((name, try tensor(item, name: name)))
        }
        return tensors
    }

    /// The tensor a `_rebuild_tensor_v2` (or `_rebuild_parameter` around one) call describes.
    private static func tensor(_ value: PickleValue, name: String) throws(PyTorchFileError) -> TensorReference {
        func bad(_ detail: String) -> PyTorchFileError { .malformed("'\(name)' \(detail)") }
        switch value {
        case .call(rebuildParameter, let arguments):
            guard let data = arguments.first else { throw bad("is a parameter without data") }
            return try tensor(data, name: name)
        case .call(rebuildTensor, let arguments):
            // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
            guard arguments.count == 6 || arguments.count == 7, case .persistent(let id) = arguments[0],
                  case .int(let offset) = arguments[1], let shape = integers(arguments[2]), let strides = integers(arguments[3])
            else { throw bad("is not rebuilt from (storage, offset, size, stride, …)") }
            guard shape.count == strides.count else { throw bad("has \(shape.count) sizes but \(strides.count) strides") }
            return TensorReference(storage: try storage(id, name: name), offset: offset, shape: shape, strides: strides)
        default:
            throw bad("is not a tensor")
        }
    }

    /// The storage a persistent id names: `('storage', type, key, location, numel[, view])`.
    private static func storage(_ id: PickleValue, name: String) throws(PyTorchFileError) -> StorageReference {
        guard case .tuple(let fields) = id, fields.count == 5 || fields.count == 6, fields[0] == .string("storage"),
              case .global("torch", let typeName) = fields[1], let dtype = dtypes[typeName],
              case .string(let key) = fields[2], case .int(let count) = fields[4], count >= 0
        else { throw .malformed("the storage of '\(name)' is not named by ('storage', type, key, location, numel)") }
        guard fields.count == 6, fields[5] != .none else { return StorageReference(key: key, dtype: dtype, count: count, view: nil) }
        // Legacy files of PyTorch before 1.0 could save a view of a storage: (view key, offset, size).
        guard case .tuple(let view) = fields[5], view.count == 3, case .int(let viewOffset) = view[1],
              case .int(let viewCount) = view[2], viewOffset >= 0, viewCount >= 0, viewCount <= count - viewOffset
        else { throw .malformed("the storage view of '\(name)' is not (key, offset, size) inside its storage") }
        return StorageReference(key: key, dtype: dtype, count: count, view: (viewOffset, viewCount))
    }

    private static func integers(_ value: PickleValue) -> [Int]? {
        guard case .tuple(let items) = value else { return nil }
        var result = [Int]()
        for item in items {
            guard case .int(let integer) = item else { return nil }
            result.append(integer)
        }
        return result
    }

    /// The elements of `tensor` in row-major order, gathered from `root` (the raw bytes of its
    /// storage's key, which the caller has checked to be `tensor.storage.count` elements) through
    /// its offset and strides; every index is checked against the storage, with overflow, before
    /// anything is copied.
    static func contiguousBytes(_ tensor: TensorReference, root: ArraySlice<UInt8>, name: String) throws(PyTorchFileError) -> Data {
        func bad(_ detail: String) -> PyTorchFileError { .malformed("'\(name)' \(detail)") }
        let size = tensor.storage.dtype.byteSize
        var storage = root
        if let view = tensor.storage.view {
            // storage(): checked to lie inside the root storage.
            let start = root.startIndex + view.offset * size
            storage = root[start..<start + view.count * size]
        }
        let storageCount = storage.count / size
        guard tensor.offset >= 0, tensor.shape.allSatisfy({ $0 >= 0 }), tensor.strides.allSatisfy({ $0 >= 0 }) else {
            throw bad("has a negative offset, size or stride")
        }
        guard let count = ElementCount.of(tensor.shape), let byteCount = ElementCount.byteCount(of: tensor.shape, elementSize: size) else {
            throw bad("has shape \(tensor.shape), whose size overflows")
        }
        if count == 0 { return Data() }
        // The last element any index reaches: offset + Σ (size_i − 1)·stride_i.
        var last = tensor.offset
        for (extent, stride) in zip(tensor.shape, tensor.strides) {
            let (step, overflow1) = (extent - 1).multipliedReportingOverflow(by: stride)
            let (sum, overflow2) = last.addingReportingOverflow(step)
            guard !overflow1, !overflow2 else { throw bad("reaches past any storage") }
            last = sum
        }
        guard last < storageCount else {
            throw bad("reaches element \(last) of a storage of \(storageCount) elements")
        }
        var rowMajor = [Int](repeating: 1, count: tensor.shape.count)
        for axis in rowMajor.indices.dropLast().reversed() { rowMajor[axis] = rowMajor[axis + 1] * tensor.shape[axis + 1] }
        let start = storage.startIndex + tensor.offset * size
        // Dimensions of size 1 may have any stride; otherwise a contiguous tensor is one copy.
        if zip(zip(tensor.shape, tensor.strides), rowMajor).allSatisfy({ $0.0 == 1 || $0.1 == $1 }) {
            return Data(storage[start..<start + byteCount])
        }
        var output = Data(count: byteCount)
        output.withUnsafeMutableBytes { target in
            storage.withUnsafeBytes { source in
                var index = [Int](repeating: 0, count: tensor.shape.count)
                for element in 0..<count {
                    var position = tensor.offset
                    for axis in index.indices { position += index[axis] * tensor.strides[axis] }
                    target.baseAddress!.advanced(by: element * size)
                        .copyMemory(from: source.baseAddress!.advanced(by: position * size), byteCount: size)
                    // The next index in row-major order.
                    var axis = index.count - 1
                    while axis >= 0 {
                        index[axis] += 1
                        if index[axis] < tensor.shape[axis] { break }
                        index[axis] = 0
                        axis -= 1
                    }
                }
            }
        }
        return output
    }
}
