import ArgumentParser
import Foundation
import WGAN

/// `wgan`: trains the models of `ModelCatalogue.builtIn` with the gradient penalty (or clipping),
/// samples from and evaluates what it trained, reports on runs, and times the iteration.
@main
struct WGANCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wgan",
        abstract: "Train Wasserstein GANs with gradient penalty (the seed's MLPs, the paper's models) on the CPU; sample, evaluate, report, time.",
        subcommands: [TrainCommand.self, SampleCommand.self, EvaluateCommand.self, ClassifierCommand.self, BenchCommand.self, Figure1Command.self,
                      ReportCommand.self])

    static func main() {
        // A closed pipe on standard output (`wgan train | head -1`) must not kill a run before
        // its checkpoint: with SIGPIPE ignored a write there fails, and output is not essential.
        signal(SIGPIPE, SIG_IGN)
        main(nil)
    }
}

/// Runs `body`; any error but an exit code becomes one line `wgan: error: …` on standard error
/// and exit status 1.
func reportingFailures(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let exit as ExitCode {
        throw exit
    } catch {
        printError("wgan: error: \(oneLineDescription(of: error))")
        throw ExitCode.failure
    }
}

func printError(_ line: String) {
    writeToStandardError(line + "\n")
}
