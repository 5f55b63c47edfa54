import Foundation
import TensorFormats
import WGAN
import WGANEngine
import WGANModels
import WGANNN
import XCTest

extension XCTestCase {
    /// A fresh folder, removed when the test ends.
    func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("WGANTests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// Asserts that `body` throws a `TrainingError` whose one-line description contains `fragment`.
    func assertTrainingError<T>(_ fragment: String, file: StaticString = #filePath, line: UInt = #line,
                                _ body: () throws -> T) {
        do {
            _ = try body()
            XCTFail("expected an error mentioning '\(fragment)'", file: file, line: line)
        } catch {
            let text = oneLineDescription(of: error)
            XCTAssertTrue(error is TrainingError, "not a TrainingError: \(type(of: error)) \(text)", file: file, line: line)
            XCTAssertTrue(text.contains(fragment), "'\(text)' lacks '\(fragment)'", file: file, line: line)
            XCTAssertFalse("\(error)".contains("\n"), "description spans lines: \(error)", file: file, line: line)
        }
    }
}

/// Small, quick runs on the first images of the vendored MNIST.
enum QuickRun {
    /// 96 images in batches of 32: three steps per epoch.
    static func options(maxSteps: Int? = nil, epochs: Int = 3, criticSteps: Int? = nil) -> TrainingOptions {
        var options = TrainingOptions()
        options.imageLimit = 96
        options.batchSize = 32
        options.epochs = epochs
        options.maxSteps = maxSteps
        options.criticSteps = criticSteps
        options.threads = 2
        options.seed = 7
        return options
    }

    /// A console that records standard-output lines and discards progress.
    final class Console {
        var lines: [String] = []
        var session: TrainingSession.Console {
            TrainingSession.Console(reporter: ProgressReporter(style: .plain, write: { _ in }, now: { 0 }),
                                    info: { self.lines.append($0) }, now: { 0 })
        }
    }

    static func start(_ options: TrainingOptions, in folder: URL, console: Console = Console()) throws -> Trainer {
        try TrainingSession.start(options: options, out: folder, console: console.session)
    }

    static func resume(_ folder: URL, _ options: TrainingOptions, console: Console = Console()) throws -> Trainer {
        try TrainingSession.resume(folder, options: options, console: console.session)
    }
}

/// The values of every tensor of a safetensors file, by name, except the epoch's timing.
func tensorValues(_ url: URL) throws -> [String: [Double]] {
    let file = try SafeTensors(contentsOf: url)
    var values: [String: [Double]] = [:]
    // Times differ between runs; the other values must not.
    for entry in file.entries where entry.name != "epoch_totals.sums" && entry.name != "progress.training_seconds" {
        values[entry.name] = entry.dtype == .i64 ? try file.int64s(entry.name).map(Double.init) : try file.doubles(entry.name)
    }
    if file["epoch_totals.sums"] != nil { values["epoch_totals.sums"] = Array(try file.doubles("epoch_totals.sums").prefix(3)) }
    return values
}

extension ModelSpec {
    /// The built-in model this spec names.
    var builtInModel: any GANModel { ModelCatalogue.builtIn.named(model)! }
    func makeGenerator(using rng: inout RandomGenerator) -> any ImageGenerator { builtInModel.makeGenerator(self, using: &rng) }
    func makeCritic(using rng: inout RandomGenerator) -> Module { builtInModel.makeCritic(self, using: &rng) }
    var interpolation: InterpolationForm { builtInModel.interpolation }
    var problem: String? { builtInModel.problem(with: self) }
    var sizes: [ModelSize] { builtInModel.sizes(self) }
}
