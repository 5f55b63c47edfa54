import TensorFormats
import WGANFiles
import WGANImage

/// What stops `wgan train` or `wgan sample` short, each with a one-line description that the
/// command line prints as it is.
public enum TrainingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A setting that cannot work (a flag's value, or a flag that a resumed run cannot change).
    case invalidSetting(String)
    /// The dataset does not suit the settings (too few images, a last batch of one).
    case unsuitableDataset(String)
    /// The run folder cannot be created, or is not a run that can be resumed.
    case runDirectory(String)
    /// A checkpoint that cannot be read or does not fit the models.
    case checkpoint(path: String, problem: String)
    /// A loss or a weight stopped being a finite number; nothing was saved after it.
    case diverged(what: String, step: Int, epoch: Int, kept: String)
    /// A file that could not be written.
    case output(path: String, problem: String)

    public var description: String {
        switch self {
        case .invalidSetting(let message), .unsuitableDataset(let message), .runDirectory(let message):
            return message
        case let .checkpoint(path, problem):
            return "checkpoint \(path): \(problem)"
        case let .diverged(what, step, epoch, kept):
            return "training diverged: \(what) at step \(step) (epoch \(epoch)); \(kept)"
        case let .output(path, problem):
            return "cannot write \(path): \(problem)"
        }
    }
}

/// The one line a person sees for `error`: its description with line breaks folded.
public func oneLineDescription(of error: Error) -> String {
    "\(error)".split(whereSeparator: \.isNewline).joined(separator: " ")
}

extension TrainingError {
    /// A failure to write `path`, its reason said once: the errors of the file, image and tensor
    /// layers each name the path themselves, so only their reason is kept.
    static func output(path: String, failure: any Error) -> TrainingError {
        let reason: String
        switch failure {
        case let error as FileError: reason = error.reason
        case ImageError.fileSystem(let error): reason = error.reason
        case NPYError.cannotWrite(_, let why), SafeTensorsError.cannotWrite(_, let why): reason = why
        default: reason = "\(failure)"
        }
        return .output(path: path, problem: reason)
    }
}
