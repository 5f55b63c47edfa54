/// An element type as the safetensors header spells it (`"dtype": "F32"`).
///
/// Declared in the reference implementation's order, which writing follows (see `SafeTensors.encoded()`).
///
/// Only whole-byte types are listed: the sub-byte float formats of newer safetensors releases cannot be
/// described by a byte size, and no file this package reads or writes uses them.
public enum SafeTensorsDType: String, CaseIterable, Sendable {
    case bool = "BOOL"
    case u8 = "U8"
    case i8 = "I8"
    case f8E5M2 = "F8_E5M2"
    case f8E4M3 = "F8_E4M3"
    case i16 = "I16"
    case u16 = "U16"
    case f16 = "F16"
    case bf16 = "BF16"
    case i32 = "I32"
    case u32 = "U32"
    case f32 = "F32"
    case f64 = "F64"
    case i64 = "I64"
    case u64 = "U64"

    /// Bytes one element occupies in the byte buffer.
    public var byteSize: Int {
        switch self {
        case .bool, .u8, .i8, .f8E5M2, .f8E4M3: 1
        case .i16, .u16, .f16, .bf16: 2
        case .i32, .u32, .f32: 4
        case .f64, .i64, .u64: 8
        }
    }

    /// Position in the declaration order; later dtypes are laid out first when writing.
    var layoutRank: Int {
        Self.allCases.firstIndex(of: self)!
    }
}
