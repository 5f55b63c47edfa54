import Foundation
import WGANEngine

/// Why a distributed run cannot start or go on, in one line.
public struct DistributedError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Whether this process is one rank of several: launched by `mpirun` (Open MPI sets
/// `OMPI_COMM_WORLD_SIZE`, PMIx launchers `PMIX_RANK`) or asked for with `--distributed`.
public enum DistributedLaunch {
    /// True when the environment says this process is one of an MPI launch of more than one
    /// process (`mpirun -np 1` trains as a single process without MPI).
    public static func isLaunchedByMPI(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        if let size = environment["OMPI_COMM_WORLD_SIZE"].flatMap({ Int($0) }) { return size > 1 }
        if let size = environment["PMIX_SIZE"].flatMap({ Int($0) }) { return size > 1 }
        return environment["PMIX_RANK"] != nil
    }

    /// The communicator of this launch: MPI's when distributed (`--distributed` or an MPI
    /// launch), nil for a single process.
    ///
    /// - Throws: `DistributedError` when Open MPI is missing or does not start.
    public static func communicator(requested: Bool,
                                    environment: [String: String] = ProcessInfo.processInfo.environment) throws(DistributedError) -> MPICommunicator? {
        guard requested || isLaunchedByMPI(environment: environment) else { return nil }
        do {
            return try MPICommunicator.start()
        } catch {
            throw DistributedError("--distributed: \(error.description)")
        }
    }
}
