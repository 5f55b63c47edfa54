import CMPIRuntime
import Foundation
import WGANEngine

/// The ranks of an `mpirun` launch, through Open MPI opened at run time (`CMPIRuntime`).
///
/// A collective that fails cannot be recovered from — the other ranks would wait for it for
/// ever — so a failure is reported on standard error and ends every rank with `MPI_Abort`.
public final class MPICommunicator: Communicator {
    public let rank: Int
    public let size: Int

    private init(rank: Int, size: Int) {
        self.rank = rank
        self.size = size
    }

    /// Loads Open MPI and initialises it (once per process).
    ///
    /// - Throws: `DistributedError` when the library is missing or does not start.
    public static func start() throws(DistributedError) -> MPICommunicator {
        var rank: Int32 = 0, size: Int32 = 0
        guard wgan_mpi_init(&rank, &size) == 0 else { throw DistributedError(String(cString: wgan_mpi_error())) }
        return MPICommunicator(rank: Int(rank), size: Int(size))
    }

    public func allReduceSum(_ values: UnsafeMutableBufferPointer<Float>) {
        check(wgan_mpi_allreduce_sum_float(values.baseAddress, values.count))
    }

    public func allReduceSum(_ values: UnsafeMutableBufferPointer<Double>) {
        check(wgan_mpi_allreduce_sum_double(values.baseAddress, values.count))
    }

    public func allReduceMax(_ values: UnsafeMutableBufferPointer<Double>) {
        check(wgan_mpi_allreduce_max_double(values.baseAddress, values.count))
    }

    public func broadcast(_ bytes: UnsafeMutableRawBufferPointer, root: Int) {
        check(wgan_mpi_broadcast_bytes(bytes.baseAddress, bytes.count, Int32(root)))
    }

    public func barrier() { check(wgan_mpi_barrier()) }

    /// Ends MPI on this rank; every rank calls it before exiting.
    public func finish() { _ = wgan_mpi_finalize() }

    /// Ends every rank with `status`: for a failure the other ranks cannot learn of otherwise.
    public func abort(status: Int32) -> Never {
        wgan_mpi_abort(status)
        exit(status)
    }

    private func check(_ status: Int32) {
        guard status != 0 else { return }
        let line = "wgan: rank \(rank): error: \(String(cString: wgan_mpi_error()))\n"
        FileHandle.standardError.write(Data(line.utf8))
        abort(status: 1)
    }
}
