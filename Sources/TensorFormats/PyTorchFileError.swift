/// Everything that can go wrong reading a PyTorch `.pth` file (`PyTorchFile`).
///
/// Each description is one line naming the problem (and, through `inFile`, the file).
public indirect enum PyTorchFileError: Error, Equatable, Sendable, CustomStringConvertible, FileFormatError {
    case cannotRead(path: String, reason: String)
    /// Required by `FileFormatError`; nothing writes `.pth` files.
    case cannotWrite(path: String, reason: String)
    /// A problem with the contents of the file at `path`.
    case inFile(path: String, PyTorchFileError)
    /// Neither a zip archive nor a pickle: not written by `torch.save`.
    case notPyTorch
    /// The zip archive of the newer format is damaged.
    case zip(ZipError)
    /// A pickle in the file cannot be read, or uses a global that is refused (the reason names it).
    case pickle(Unpickler.Failure)
    /// The pickles read, but do not describe tensors the way `torch.save` writes them.
    case malformed(String)
    /// Something PyTorch can write that this reader does not handle (big-endian data, a dtype).
    case unsupported(String)

    public var description: String {
        switch self {
        case let .cannotRead(path, reason): "cannot read PyTorch file \(path): \(reason)"
        case let .cannotWrite(path, reason): "cannot write PyTorch file \(path): \(reason)"
        case let .inFile(path, problem): "PyTorch file \(path): \(problem)"
        case .notPyTorch: "not a PyTorch file: neither a zip archive nor a pickle (torch.save writes one of the two)"
        case let .zip(problem): "\(problem)"
        case let .pickle(failure): "pickle: \(failure.reason)"
        case let .malformed(reason): "not a state dict as torch.save writes it: \(reason)"
        case let .unsupported(reason): "unsupported: \(reason)"
        }
    }
}
