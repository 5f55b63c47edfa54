import ArgumentParser
import Foundation
import WGAN

/// `wgan`: trains the seed's WGAN-GP, samples from what it trained, and times its step.
@main
struct WGANCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wgan",
        abstract: "Train the seed's WGAN-GP on MNIST-style images, sample from it, and time it.",
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

/// Unbuffered, as standard error is, so that progress shows at once. A failed write (standard
/// error closed or on a full disk) is ignored: progress and messages are not worth a run.
func writeToStandardError(_ text: String) {
    var bytes = Array(text.utf8)[...]
    while !bytes.isEmpty {
        let written = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
        if written < 0 && errno == EINTR { continue }
        guard written > 0 else { return }
        bytes = bytes.dropFirst(written)
    }
}

/// A line on standard output, flushed at once so that it interleaves with standard error in order.
func printLine(_ line: String) {
    print(line)
    fflush(nil)
}
