/// The collective operations that data-parallel training needs, over every process (rank) of a
/// run: what the MPI implementation provides, and what `SingleProcess` provides for one process
/// (so that the logic above it runs, and is tested, without MPI).
///
/// Every rank must make the same calls in the same order with buffers of the same length; a
/// collective that fails cannot be recovered from (the other ranks would wait for ever), so an
/// implementation ends every rank instead of returning an error.
public protocol Communicator: AnyObject, Sendable {
    /// This process's index, 0 ..< size; rank 0 alone writes files and progress.
    var rank: Int { get }
    /// How many processes train together.
    var size: Int { get }
    /// Replaces each value by its sum over every rank.
    func allReduceSum(_ values: UnsafeMutableBufferPointer<Float>)
    /// Replaces each value by its sum over every rank (for sums that must not lose digits).
    func allReduceSum(_ values: UnsafeMutableBufferPointer<Double>)
    /// Replaces each value by its maximum over every rank.
    func allReduceMax(_ values: UnsafeMutableBufferPointer<Double>)
    /// Copies rank `root`'s bytes into every other rank's buffer of the same length.
    func broadcast(_ bytes: UnsafeMutableRawBufferPointer, root: Int)
    /// Returns once every rank has called it.
    func barrier()
}

extension Communicator {
    /// Sums `values` over every rank (an array convenience for short buffers).
    public func allReduceSum(_ values: [Double]) -> [Double] {
        var result = values
        result.withUnsafeMutableBufferPointer { allReduceSum($0) }
        return result
    }

    /// The maximum of `values` over every rank.
    public func allReduceMax(_ values: [Double]) -> [Double] {
        var result = values
        result.withUnsafeMutableBufferPointer { allReduceMax($0) }
        return result
    }

    /// Whether any rank passes true (a stop flag, a failure).
    public func any(_ flag: Bool) -> Bool { allReduceMax([flag ? 1 : 0])[0] > 0 }
}

/// One process training alone: every collective leaves its buffer as it is.
public final class SingleProcess: Communicator {
    public init() {}
    public var rank: Int { 0 }
    public var size: Int { 1 }
    public func allReduceSum(_ values: UnsafeMutableBufferPointer<Float>) {}
    public func allReduceSum(_ values: UnsafeMutableBufferPointer<Double>) {}
    public func allReduceMax(_ values: UnsafeMutableBufferPointer<Double>) {}
    public func broadcast(_ bytes: UnsafeMutableRawBufferPointer, root: Int) {}
    public func barrier() {}
}
