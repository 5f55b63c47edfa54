/// Reads Python pickles of protocols 0–5's binary opcodes that plain data uses (dicts, lists,
/// tuples, numbers, strings, bytes, globals, calls, builds, persistent ids, the memo); anything
/// else is an error. Calls are recorded, never made; `Rules` can refuse globals as they are read
/// and turn calls the caller knows into plain values.
///
/// The reader itself keeps its stack in an array, but the values it builds are nested enums whose
/// comparison and deinitialisation recurse once per level: a few kilobytes of `TUPLE1`s would nest
/// a value deep enough to overflow the thread's stack when it is freed. So every value carries
/// its depth, and one nested deeper than `maximumDepth` is refused as it is built.
public struct Unpickler {
    /// Why a pickle was not read, in a few words with the byte where it went wrong.
    public struct Failure: Error, Equatable, Sendable, CustomStringConvertible {
        public let reason: String
        public init(reason: String) { self.reason = reason }
        public var description: String { reason }
    }

    /// What a reader accepts beyond plain data. The default accepts every global and records every call.
    public struct Rules: Sendable {
        /// Whether `GLOBAL module name` may appear; one refused stops the read with a failure naming it.
        public var allowsGlobal: @Sendable (_ module: String, _ name: String) -> Bool
        /// What `callable(*arguments)` becomes: nil records it as `.call`. Lets a dict subclass
        /// (`collections.OrderedDict()`) become a `.dict` that later `SETITEMS` fill.
        public var call: @Sendable (_ callable: PickleValue, _ arguments: [PickleValue]) -> PickleValue?

        public init(allowsGlobal: @escaping @Sendable (_ module: String, _ name: String) -> Bool = { _, _ in true },
                    call: @escaping @Sendable (_ callable: PickleValue, _ arguments: [PickleValue]) -> PickleValue? = { _, _ in nil }) {
            self.allowsGlobal = allowsGlobal
            self.call = call
        }
    }

    /// Deeper nesting is refused so that a hostile file cannot overflow the stack through the
    /// recursion of freeing or comparing the value; CIFAR-10's pickles nest 6 levels, PyTorch's state dicts 6.
    public static let maximumDepth = 64

    /// A value and how many containers deep it nests (0 for a scalar, 1 for a flat container).
    private struct Node {
        let value: PickleValue
        let depth: Int
    }

    private let bytes: [UInt8]
    private let rules: Rules
    private var position: Int
    private var stack: [Node] = []
    private var marks: [Int] = []
    private var memo: [Int: Node] = [:]

    private init(_ bytes: [UInt8], from start: Int, rules: Rules) {
        (self.bytes, self.position, self.rules) = (bytes, start, rules)
    }

    /// The value the pickle in `bytes` holds.
    public static func load(_ bytes: [UInt8]) throws(Failure) -> PickleValue {
        try load(bytes, from: 0, rules: Rules()).value
    }

    /// The value of the pickle that starts at byte `start` of `bytes`, and the index just past its
    /// `STOP`: files such as PyTorch's legacy format hold several pickles one after another.
    public static func load(_ bytes: [UInt8], from start: Int, rules: Rules) throws(Failure) -> (value: PickleValue, end: Int) {
        guard start >= 0, start <= bytes.count else { throw Failure(reason: "no pickle at byte \(start)") }
        var unpickler = Unpickler(bytes, from: start, rules: rules)
        let value = try unpickler.run()
        return (value, unpickler.position)
    }

    /// A `GLOBAL`, unless the rules refuse it.
    private mutating func pushGlobal(module: String, name: String) throws(Failure) {
        guard rules.allowsGlobal(module, name) else {
            throw Failure(reason: "refused the global \(module).\(name): it is not one this reader allows, and nothing in a pickle is run")
        }
        push(.global(module: module, name: name))
    }

    /// A little-endian two's-complement integer of `digits` bytes (`LONG1`, `LONG4`).
    private mutating func pushLong(_ digits: [UInt8]) {
        guard digits.count <= 8 else { return push(.largeInt(littleEndian: digits)) }
        var value: Int64 = 0
        for (i, byte) in digits.enumerated() { value |= Int64(byte) << (8 * Int64(i)) }
        if let last = digits.last, last & 0x80 != 0, digits.count < 8 { value -= Int64(1) << (8 * Int64(digits.count)) }
        push(.int(Int(value)))
    }

    private mutating func take(_ count: Int) throws(Failure) -> ArraySlice<UInt8> {
        guard count >= 0, count <= bytes.count - position else { throw Failure(reason: "truncated at byte \(position)") }
        defer { position += count }
        return bytes[position..<position + count]
    }

    /// A little-endian unsigned integer of `width` bytes.
    private mutating func unsigned(_ width: Int) throws(Failure) -> Int {
        var value: UInt64 = 0
        for (i, byte) in try take(width).enumerated() { value |= UInt64(byte) << (8 * UInt64(i)) }
        guard value <= UInt64(Int.max) else { throw Failure(reason: "length \(value) is too large") }
        return Int(value)
    }

    private mutating func line() throws(Failure) -> String {
        guard let end = bytes[position...].firstIndex(of: 10) else { throw Failure(reason: "unterminated line at byte \(position)") }
        defer { position = end + 1 }
        return String(decoding: bytes[position..<end], as: UTF8.self)
    }

    private mutating func pop() throws(Failure) -> Node {
        guard let node = stack.popLast(), stack.count >= (marks.last ?? 0) else { throw Failure(reason: "stack underflow") }
        return node
    }

    /// The values pushed since the last `MARK`, which is removed.
    private mutating func popMark() throws(Failure) -> [Node] {
        guard let mark = marks.popLast() else { throw Failure(reason: "no MARK") }
        defer { stack.removeSubrange(mark...) }
        return Array(stack[mark...])
    }

    /// Pushes a scalar: nothing nests inside it.
    private mutating func push(_ value: PickleValue) {
        stack.append(Node(value: value, depth: 0))
    }

    /// Pushes a container holding `children` (and, when it grows an existing one, what that
    /// one held already: `depthBefore`), unless that nests it deeper than `maximumDepth`.
    private mutating func push(_ value: PickleValue, holding children: [Node], depthBefore: Int = 1) throws(Failure) {
        let depth = max(depthBefore, 1 + children.reduce(0) { max($0, $1.depth) })
        guard depth <= Self.maximumDepth else {
            throw Failure(reason: "nested deeper than \(Self.maximumDepth) levels at byte \(position - 1)")
        }
        stack.append(Node(value: value, depth: depth))
    }

    private mutating func text(_ count: Int) throws(Failure) -> PickleValue {
        let raw = try take(count)
        guard let text = String(validating: raw, as: UTF8.self) else { throw Failure(reason: "invalid UTF-8 text") }
        return .string(text)
    }

    /// Adds to the dict on top of the stack in place: `consume` drops the popped node's reference
    /// so that the pairs' storage is unique and grows, instead of being copied by every `SETITEM`
    /// (which made a pickle of n single `SETITEM`s or `APPEND`s take time quadratic in n).
    private mutating func addItems(_ items: [Node]) throws(Failure) {
        let dict = try pop()
        guard items.count % 2 == 0, case .dict(var pairs) = dict.value else { throw Failure(reason: "SETITEMS outside a dict") }
        let depthBefore = dict.depth
        _ = consume dict
        for i in stride(from: 0, to: items.count, by: 2) { pairs.append((items[i].value, items[i + 1].value)) }
        try push(.dict(pairs), holding: items, depthBefore: depthBefore)
    }

    /// Appends to the list on top of the stack in place, as `addItems` does to a dict.
    private mutating func appendItems(_ items: [Node]) throws(Failure) {
        let list = try pop()
        guard case .list(var values) = list.value else { throw Failure(reason: "APPENDS outside a list") }
        let depthBefore = list.depth
        _ = consume list
        values.append(contentsOf: items.lazy.map(\.value))
        try push(.list(values), holding: items, depthBefore: depthBefore)
    }

    private mutating func pushTuple(_ items: [Node]) throws(Failure) {
        try push(.tuple(items.map(\.value)), holding: items)
    }

    private mutating func run() throws(Failure) -> PickleValue {
        while true {
            let opcode = try take(1).first!
            switch opcode {
            case 0x80: _ = try take(1)                                       // PROTO
            case 0x95: _ = try take(8)                                       // FRAME
            case 0x2E: guard stack.count == 1, marks.isEmpty else { throw Failure(reason: "STOP with \(stack.count) values") }
                       return stack[0].value                                 // STOP
            case 0x28: marks.append(stack.count)                             // MARK
            case 0x7D: try push(.dict([]), holding: [])                      // EMPTY_DICT
            case 0x5D: try push(.list([]), holding: [])                      // EMPTY_LIST
            case 0x29: try push(.tuple([]), holding: [])                     // EMPTY_TUPLE
            case 0x4E: push(.none)                                           // NONE
            case 0x88, 0x89: push(.bool(opcode == 0x88))                     // NEWTRUE, NEWFALSE
            case 0x4B: push(.int(try unsigned(1)))                           // BININT1
            case 0x4D: push(.int(try unsigned(2)))                           // BININT2
            case 0x4A: push(.int(Int(Int32(truncatingIfNeeded: try unsigned(4)))))  // BININT
            case 0x8A: pushLong(Array(try take(unsigned(1))))               // LONG1
            case 0x8B:                                                       // LONG4
                let count = try unsigned(4)
                // Python's own limit is far above this; no integer in plain data is this wide.
                guard count <= 4096 else { throw Failure(reason: "integer of \(count) bytes at byte \(position - 5)") }
                pushLong(Array(try take(count)))
            case 0x47:                                                       // BINFLOAT (big-endian)
                var bits: UInt64 = 0
                for byte in try take(8) { bits = bits << 8 | UInt64(byte) }
                push(.float(Double(bitPattern: bits)))
            case 0x55: push(.bytes(Array(try take(unsigned(1)))))            // SHORT_BINSTRING
            case 0x54: push(.bytes(Array(try take(unsigned(4)))))            // BINSTRING
            case 0x43: push(.bytes(Array(try take(unsigned(1)))))            // SHORT_BINBYTES
            case 0x42: push(.bytes(Array(try take(unsigned(4)))))            // BINBYTES
            case 0x8E: push(.bytes(Array(try take(unsigned(8)))))            // BINBYTES8
            case 0x8C: push(try text(unsigned(1)))                           // SHORT_BINUNICODE
            case 0x58: push(try text(unsigned(4)))                           // BINUNICODE
            case 0x8D: push(try text(unsigned(8)))                           // BINUNICODE8
            case 0x71: memo[try unsigned(1)] = stack.last                    // BINPUT
            case 0x72: memo[try unsigned(4)] = stack.last                    // LONG_BINPUT
            case 0x94: memo[memo.count] = stack.last                         // MEMOIZE
            case 0x68, 0x6A:                                                 // BINGET, LONG_BINGET
                let key = try unsigned(opcode == 0x68 ? 1 : 4)
                guard let value = memo[key] else { throw Failure(reason: "memo entry \(key) is missing") }
                stack.append(value)                                          // with the depth it was stored with
            case 0x63:                                                       // GLOBAL
                try pushGlobal(module: try line(), name: try line())
            case 0x93:                                                       // STACK_GLOBAL
                let name = try pop(), module = try pop()
                guard case .string(let n) = name.value, case .string(let m) = module.value else { throw Failure(reason: "bad STACK_GLOBAL") }
                try pushGlobal(module: m, name: n)
            case 0x51:                                                       // BINPERSID
                let id = try pop()
                try push(.persistent(id.value), holding: [id])
            case 0x74: try pushTuple(try popMark())                          // TUPLE
            case 0x85: try pushTuple([try pop()])                            // TUPLE1
            case 0x86: let b = try pop(), a = try pop(); try pushTuple([a, b])                     // TUPLE2
            case 0x87: let c = try pop(), b = try pop(), a = try pop(); try pushTuple([a, b, c])   // TUPLE3
            case 0x61: let item = try pop(); try appendItems([item])        // APPEND
            case 0x65: try appendItems(try popMark())                        // APPENDS
            case 0x73: let value = try pop(), key = try pop(); try addItems([key, value])  // SETITEM
            case 0x75: try addItems(try popMark())                           // SETITEMS
            case 0x52, 0x81:                                                 // REDUCE, NEWOBJ
                let tuple = try pop()
                guard case .tuple(let arguments) = tuple.value else { throw Failure(reason: "call without an argument tuple") }
                let callable = try pop()
                let value = rules.call(callable.value, arguments) ?? .call(callable.value, arguments: arguments)
                try push(value, holding: [callable, tuple])
            case 0x62:                                                       // BUILD
                let state = try pop(), object = try pop()
                try push(.built(object.value, state: state.value), holding: [object, state])
            default:
                throw Failure(reason: "unsupported pickle opcode 0x\(String(opcode, radix: 16)) at byte \(position - 1)")
            }
        }
    }
}
