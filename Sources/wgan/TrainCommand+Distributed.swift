import ArgumentParser
import Foundation
import WGAN

/// `wgan train` as one rank of an `mpirun` launch. Rank 0 prints and writes as a single process
/// does; the other ranks print nothing but their own errors, prefixed with their rank. Every
/// rank stops at the same step: a stop request (Ctrl-C, SIGTERM) on any rank is all-reduced after
/// each step, and the failures every rank sees alike (bad settings, a diverged loss) end each
/// rank normally; any other failure on one rank ends them all through `MPI_Abort`, never a hang.
extension TrainCommand {
    func runDistributed() throws {
        let communicator: MPICommunicator
        do {
            guard let started = try DistributedLaunch.communicator(requested: true) else { preconditionFailure("requested") }
            communicator = started
        } catch {
            printError("wgan: error: \(oneLineDescription(of: error))")
            throw ExitCode.failure
        }
        let rank = communicator.rank
        // Before the setup, so that a stop asked for meanwhile is seen after the first step on every rank.
        InterruptSignal.install()
        func report(_ error: Error) {
            if error is FailureOnAnotherRank { return }
            printError("wgan: \(rank == 0 ? "" : "rank \(rank): ")error: \(oneLineDescription(of: error))")
        }
        let console = rank == 0 ? TrainingSession.Console.standard
            : TrainingSession.Console(reporter: ProgressReporter(style: .plain, write: { _ in }, now: ProgressReporter.monotonicSeconds),
                                      info: { _ in }, now: ProgressReporter.monotonicSeconds, warn: { _ in })
        let trainer: Trainer
        do {
            trainer = try DistributedSession.trainer(options: {
                if let resume, out != nil { throw ValidationError("--out cannot be used with --resume: the run continues in \(resume)") }
                return try options()
            }, out: out.map { URL(fileURLWithPath: $0) }, resume: resume.map { URL(fileURLWithPath: $0) },
               console: console, communicator: communicator, synchronisedBatchNorm: !unsynchronisedBatchNorm,
               arguments: Array(CommandLine.arguments.dropFirst()))
        } catch {
            report(error)
            communicator.finish()
            throw ExitCode.failure
        }
        let stopRequested = { communicator.any(InterruptSignal.isRequested) }
        do {
            if rank == 0 {
                try train(trainer, console: console, stopRequested: stopRequested)
            } else if !trainer.isFinished {
                if try trainer.train(stopRequested: stopRequested) == .interrupted { throw ExitCode(InterruptSignal.exitStatus) }
            }
        } catch let exit as ExitCode {
            communicator.finish()
            throw exit
        } catch let error as TrainingError {
            console.reporter.finish()  // the error starts a line of its own, not the bar's
            report(error)
            // Every rank sees a diverged loss or weight at the same step (they hold the same sums).
            guard case .diverged = error else { communicator.abort(status: 1) }
            communicator.finish()
            throw ExitCode.failure
        } catch {
            report(error)
            communicator.abort(status: 1)
        }
        communicator.finish()
    }
}
