/// A value of a Python pickle, as far as CIFAR-10's pickles and PyTorch's `.pth` files need:
/// `Unpickler` builds these instead of Python objects, and leaves calls (`REDUCE`), `BUILD`s and
/// persistent ids as data for the caller to interpret, so that nothing in a file can make it run
/// anything.
public indirect enum PickleValue: Equatable, Sendable {
    case none
    case bool(Bool)
    case int(Int)
    /// An integer too wide for `Int` (`LONG1`/`LONG4` of more than 8 bytes), as its little-endian
    /// two's-complement bytes: PyTorch's legacy magic number is one.
    case largeInt(littleEndian: [UInt8])
    case float(Double)
    /// A Python 2 `str` (`BINSTRING`) or Python 3 `bytes`.
    case bytes([UInt8])
    case string(String)
    case list([PickleValue])
    case tuple([PickleValue])
    /// Key–value pairs in file order.
    case dict([(PickleValue, PickleValue)])
    /// `module.name`, as `GLOBAL` names it.
    case global(module: String, name: String)
    /// `callable(*arguments)`, not called.
    case call(PickleValue, arguments: [PickleValue])
    /// `object.__setstate__(state)`, not applied.
    case built(PickleValue, state: PickleValue)
    /// `persistent_load(id)` (`BINPERSID`), not looked up: PyTorch names its storages this way.
    case persistent(PickleValue)

    public static func == (a: PickleValue, b: PickleValue) -> Bool {
        switch (a, b) {
        case (.none, .none): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.int(x), .int(y)): return x == y
        case let (.largeInt(x), .largeInt(y)): return x == y
        case let (.float(x), .float(y)): return x == y
        case let (.bytes(x), .bytes(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.list(x), .list(y)), let (.tuple(x), .tuple(y)): return x == y
        case let (.dict(x), .dict(y)): return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case let (.global(m, n), .global(m2, n2)): return m == m2 && n == n2
        case let (.call(f, a), .call(g, b)): return f == g && a == b
        case let (.built(o, s), .built(p, t)): return o == p && s == t
        case let (.persistent(x), .persistent(y)): return x == y
        default: return false
        }
    }

    /// The bytes of a `bytes` value, or of Python 3's protocol-2 spelling of one:
    /// `_codecs.encode(text, 'latin1')`, whose characters are the bytes.
    public var byteValue: [UInt8]? {
        switch self {
        case .bytes(let bytes): return bytes
        case .call(.global("_codecs", "encode"), let arguments):
            guard arguments.count == 2, case .string(let text) = arguments[0], case .string("latin1") = arguments[1] else { return nil }
            var bytes = [UInt8]()
            bytes.reserveCapacity(text.unicodeScalars.count)
            for scalar in text.unicodeScalars {
                guard scalar.value < 256 else { return nil }
                bytes.append(UInt8(scalar.value))
            }
            return bytes
        default: return nil
        }
    }
}

