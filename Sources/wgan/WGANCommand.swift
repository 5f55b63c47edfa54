import ArgumentParser
import Foundation
import WGAN

/// `wgan`: trains the seed's WGAN-GP, samples from what it trained, and times its step.
@main
struct WGANCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wgan",
        abstract: "Train the seed's WGAN-GP on MNIST-style images, sample from it, and time it.",
        subcommands: [TrainCommand.self, SampleCommand.self, BenchCommand.self])
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

/// Unbuffered, as standard error is, so that progress shows at once.
func writeToStandardError(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
}

/// A line on standard output, flushed at once so that it interleaves with standard error in order.
func printLine(_ line: String) {
    print(line)
    fflush(nil)
}
