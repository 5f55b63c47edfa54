/// Why an evaluation cannot run: each case is one line for the command line.
public enum EvaluationError: Error, CustomStringConvertible, Equatable {
    /// The samples given are unusable (shape, dtype, range, NaN).
    case samples(path: String, problem: String)
    /// The shipped classifier is missing or corrupt.
    case classifier(String)
    /// LAPACK or BLAS failed or is missing.
    case lapack(String)
    /// An impossible request (too few samples, an unknown dataset).
    case invalid(String)

    public var description: String {
        switch self {
        case let .samples(path, problem): "samples \(path): \(problem)"
        case let .classifier(problem): "classifier: \(problem)"
        case let .lapack(problem): "LAPACK: \(problem)"
        case let .invalid(problem): problem
        }
    }
}
