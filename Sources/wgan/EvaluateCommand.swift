import ArgumentParser
import Foundation
import WGAN
import WGANData
import WGANEngine
import WGANEval

/// `wgan evaluate`: FID, the classifier's Inception score, confident share and class histogram.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Score a generator or a set of samples against a dataset's test split (FID, Inception score).",
        discussion: """
            The features are the 128 penultimate activations of the dataset's shipped classifier (a small CNN \
            trained by `wgan classifier train`). FID compares their mean and covariance with the test split's \
            (10,000 images); the FID of as many real training images is printed beside it as the floor. \
            The Inception score is exp(E KL(p(y|x) ‖ p(y))) under the classifier; "confident" is the share of \
            samples whose top class has probability ≥ 0.9; "classes" counts samples per predicted class. \
            --samples takes a .npy of N images shaped [N, H, W], [N, C, H, W] or [N, H·W·C]: uint8 (0–255), \
            or float32/float64 with --range. The same inputs give the same numbers.
            """)

    @Option(help: ArgumentHelp("A generator.safetensors, or a run folder or checkpoints folder holding one.", valueName: "path"))
    var checkpoint: String?
    @Option(help: ArgumentHelp("Samples as a .npy array.", valueName: "file.npy"))
    var samples: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("The range of float --samples, e.g. -1,1 or 0,1.", valueName: "low,high"))
    var range: String?
    @Option(help: "mnist or fashion-mnist.")
    var dataset: String = DatasetName.mnist.rawValue
    @Option(help: ArgumentHelp("A folder of the dataset's IDX files (default: the dataset's own).", valueName: "dir"))
    var dataDir: String?
    @Option(parsing: .unconditional, help: "Images drawn from --checkpoint (default 10000; --samples: all of the file).")
    var count: Int?
    @Option(parsing: .unconditional, help: "Seed of the latent vectors for --checkpoint.")
    var seed: UInt64 = 0
    @Option(help: "BatchNorm statistics for --checkpoint: running (eval mode) or batch (train mode, batches of 500).")
    var batchNorm: String = GeneratorSampler.BatchNormMode.running.rawValue
    @Option(parsing: .unconditional, help: "Threads (default: the machine's core count).")
    var threads = TrainingConfig.defaultThreads
    @Option(help: ArgumentHelp("Score the images (colour or grey) with the FID Inception network against this reference: a folder "
                               + "(CIFAR-10's files, or images) or a .npz of mu and sigma (FID only).", valueName: "dir|file.npz"))
    var reference: String?
    @Option(help: ArgumentHelp("The FID Inception network's weights, pytorch-fid's \(InceptionWeights.publishedFileName) "
                               + "(default: $\(InceptionWeights.environmentVariable)).", valueName: "file"))
    var inception: String?
    @Option(help: ArgumentHelp("Where a folder reference's features are cached (default: $XDG_CACHE_HOME/wgan or ~/.cache/wgan).",
                               valueName: "dir"))
    var referenceCache: String?
    @Option(parsing: .unconditional, help: "KID's subsets (torch-fidelity's 100).")
    var kidSubsets = KernelInceptionDistance.defaultSubsets
    @Option(parsing: .unconditional, help: "KID's subset size (torch-fidelity's 1000; smaller sets use their own size).")
    var kidSubsetSize = KernelInceptionDistance.defaultSubsetSize
    @Flag(help: ArgumentHelp("Print one JSON object (classifier: fid, fid_train_floor, inception_score, confident, classes, count, "
                             + "dataset; --reference: fid, inception_score, inception_score_std, kid, kid_std, count, reference_count)."))
    var json = false

    func run() throws {
        try reportingFailures {
            let name = try ClassifierFile.dataset(named: dataset)
            guard (checkpoint == nil) != (samples == nil) else { throw EvaluationError.invalid("give one of --checkpoint and --samples") }
            if let count, count < 2 { throw EvaluationError.invalid("--count must be at least 2, got \(count)") }
            guard threads >= 1 else { throw EvaluationError.invalid("--threads must be at least 1, got \(threads)") }
            let range = try self.range.map { text throws -> ClosedRange<Float> in
                guard let range = SampleImages.parseRange(text) else { throw EvaluationError.invalid("--range must be LOW,HIGH with LOW < HIGH, got '\(text)'") }
                return range
            }
            try BLAS.load()
            Parallel.threads = threads
            if let reference {
                let report = try inceptionReport(reference: URL(fileURLWithPath: reference), range: range)
                if json { printLine(report.json) } else { report.lines.forEach(printLine) }
                return
            }
            let evaluator = try Evaluator(dataset: name, dataDirectory: dataDir.map { URL(fileURLWithPath: $0) })
            var measurement = try evaluator.measurement()
            try forEachImageBatch(range: range) { try measurement.add($0) }
            let report = try evaluator.report(measurement, floor: true)
            if json { printLine(report.json) } else { report.lines.forEach(printLine) }
        }
    }

    /// The images to score, [n, 1, 28, 28] in [0, 1], a batch at a time: memory is bounded by a
    /// batch (and a --samples file), not by --count.
    private func forEachImageBatch(range: ClosedRange<Float>?, _ body: (Tensor) throws -> Void) throws {
        if let samples {
            var images = try SampleImages.read(URL(fileURLWithPath: samples), imageShape: FeatureClassifier.imageShape, range: range)
            if let count {
                guard count <= images.shape[0] else { throw EvaluationError.invalid("--count \(count) is more than the \(images.shape[0]) samples in \(samples)") }
                images = images.rows(0..<count)
            }
            for start in stride(from: 0, to: images.shape[0], by: Evaluator.batchSize) {
                try body(images.rows(start..<min(images.shape[0], start + Evaluator.batchSize)))
            }
            return
        }
        guard let mode = GeneratorSampler.BatchNormMode(rawValue: batchNorm) else {
            throw EvaluationError.invalid("unknown --batch-norm '\(batchNorm)' (expected running or batch)")
        }
        let sampler = try GeneratorSampler(checkpoint: URL(fileURLWithPath: checkpoint!))
        guard sampler.generator.imageShape == FeatureClassifier.imageShape else {
            throw EvaluationError.invalid("the generator makes \(sampler.generator.imageShape) images; the classifier takes [1, 28, 28]")
        }
        try sampler.forEachUnitImageBatch(count: count ?? 10_000, seed: seed, batchNorm: mode, body)
    }

    /// FID, the Inception score and KID of the samples against `reference`, from the FID Inception network.
    private func inceptionReport(reference: URL, range: ClosedRange<Float>?) throws -> InceptionReport {
        guard kidSubsets >= 1, kidSubsetSize >= 2 else {
            throw EvaluationError.invalid("--kid-subsets must be at least 1 and --kid-subset-size at least 2")
        }
        let network = try InceptionNetwork(weights: InceptionWeights.read(InceptionWeights.locate(flag: inception)))
        var measurement: InceptionMeasurement
        var side = 32
        if let samples {
            var images = try SampleImages.read(URL(fileURLWithPath: samples), range: range)
            if let count {
                guard count <= images.shape[0] else { throw EvaluationError.invalid("--count \(count) is more than the \(images.shape[0]) samples in \(samples)") }
                images = images.rows(0..<count)
            }
            side = images.shape[3]
            measurement = try InceptionMeasurement(count: images.shape[0])
            for start in stride(from: 0, to: images.shape[0], by: InceptionNetwork.batchSize) {
                try measurement.add(images.rows(start..<min(images.shape[0], start + InceptionNetwork.batchSize)), network: network)
            }
        } else {
            guard let mode = GeneratorSampler.BatchNormMode(rawValue: batchNorm) else {
                throw EvaluationError.invalid("unknown --batch-norm '\(batchNorm)' (expected running or batch)")
            }
            let sampler = try GeneratorSampler(checkpoint: URL(fileURLWithPath: checkpoint!))
            guard sampler.generator.imageShape.count == 3 else { throw EvaluationError.invalid("this generator makes points, not images") }
            side = sampler.generator.imageShape[2]
            let total = count ?? 10_000
            measurement = try InceptionMeasurement(count: total)
            try sampler.forEachUnitImageBatch(count: total, seed: seed, batchNorm: mode, batchSize: 2 * InceptionNetwork.batchSize) {
                try measurement.add($0, network: network)
            }
        }
        let referenceSet = try InceptionReferenceSet.reference(
            at: reference, side: side, network: network,
            cacheFolder: referenceCache.map { URL(fileURLWithPath: $0) } ?? InceptionReferenceSet.defaultCacheFolder(),
            warn: { writeToStandardError("wgan: warning: \($0)\n") })
        let report = try measurement.report(against: referenceSet, kidSubsets: kidSubsets, kidSubsetSize: kidSubsetSize)
        if let kid = report.kid, kid.subsetSize < kidSubsetSize {
            writeToStandardError("wgan: warning: KID's subsets hold \(kid.subsetSize) samples, not \(kidSubsetSize): the smaller set has no more\n")
        }
        return report
    }
}
