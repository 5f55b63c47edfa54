import ArgumentParser
import Foundation
import WGAN
import WGANEngine
import WGANFiles
import WGANModels

struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Generate images from a generator checkpoint.",
        discussion: """
            --out FILE.png writes a grid (ceil(sqrt(N)) per row, normalised to the images' min..max; RGB for colour \
            models, grey for grey ones); --out FILE.npy writes float32 (N, C, H, W) in the generator's output range \
            (\(SampleCommand.ranges)); a model of 2-D points (\(ModelCatalogue.builtIn.pointModelNames)) writes \
            (N, 2) in .npy, a scatter plot in .png. \
            The model is rebuilt from the checkpoint's metadata. \
            A conditional checkpoint (wgan train --conditional) draws every image of --class K (an index or a class \
            name); without --class it draws 10 rows of every class (default --count 10 × classes, the labels 0, 1, …, \
            K−1 repeated: in the PNG grid each column is one class, as the official gan_cifar_resnet.py lays it out).
            """)

    @Option(help: ArgumentHelp("A generator.safetensors, or a run folder or checkpoints folder holding one.", valueName: "path"))
    var checkpoint: String
    @Option(parsing: .unconditional, help: "Number of images (default 25, or the rows of --z).")
    var count: Int?
    @Option(parsing: .unconditional, help: "Seed of the latent vectors.")
    var seed: UInt64 = 0
    @Option(help: ArgumentHelp("Latent vectors: a float32 .npy of shape (N, latent).", valueName: "file.npy"))
    var z: String?
    @Option(name: .customLong("class"), help: ArgumentHelp("A conditional checkpoint's class (index or name) for every image.",
                                                           valueName: "K"))
    var classLabel: String?
    @Option(help: "BatchNorm statistics: running (PyTorch's eval mode) or batch (the sampled batch's, train mode).")
    var batchNorm: String = GeneratorSampler.BatchNormMode.running.rawValue
    @Option(help: ArgumentHelp("Output file: .png (grid) or .npy (array).", valueName: "file"))
    var out: String
    @Flag(help: "Replace --out even when it is read-only or a symbolic link.")
    var force = false

    func run() throws {
        try reportingFailures {
            guard let mode = GeneratorSampler.BatchNormMode(rawValue: batchNorm) else {
                throw TrainingError.invalidSetting("unknown --batch-norm '\(batchNorm)' (expected running or batch)")
            }
            if let count, count < 1 { throw TrainingError.invalidSetting("--count must be at least 1, got \(count)") }
            let outURL = URL(fileURLWithPath: out)
            guard ["png", "npy"].contains(outURL.pathExtension.lowercased()) else {
                throw TrainingError.invalidSetting("--out must end in .png or .npy, got \(outURL.lastPathComponent)")
            }
            try refuseUnsafeReplacement(of: outURL.path)
            try BLAS.load()
            let sampler = try GeneratorSampler(checkpoint: URL(fileURLWithPath: checkpoint))
            let label = try classLabel.map { (argument) throws(TrainingError) in try sampler.classIndex(argument) }
            // Without --class, a conditional checkpoint's grid holds 10 rows of every class.
            let classes = label == nil ? sampler.classNames?.count : nil
            let defaultCount = classes.map { 10 * $0 } ?? 25
            let noise: Tensor
            if let z {
                noise = try sampler.noise(from: URL(fileURLWithPath: z))
                if let count, count != noise.shape[0] {
                    throw TrainingError.invalidSetting("--count \(count) differs from the \(noise.shape[0]) rows of --z \(z)")
                }
            } else {
                try sampler.checkMemory(count: count ?? defaultCount)
                noise = sampler.noise(count: count ?? defaultCount, seed: seed)
            }
            let images = try sampler.images(for: noise, labels: sampler.labels(count: noise.shape[0], label: label), batchNorm: mode)
            try GeneratorSampler.write(images, to: outURL, nrow: classes)
            let count = noise.shape[0]
            let noun = sampler.model.samples == .points ? "point" : "image"
            let of = label.map { " of class \($0) (\(sampler.classNames![$0]))" } ?? (classes.map { " of its \($0) classes" } ?? "")
            printLine("wrote \(count) \(noun)\(count == 1 ? "" : "s")\(of) to \(outURL.path)")
        }
    }

    /// A read-only file or a symbolic link at `path` is refused unless `--force` is given: the
    /// atomic write would replace it (the link itself, not what it points to) without asking. A
    /// folder or a device (/dev/null) is never replaced.
    private func refuseUnsafeReplacement(of path: String) throws {
        switch Files.entry(at: path) {
        case .folder:
            throw TrainingError.invalidSetting("--out \(path) is a folder, not a file")
        case .other:
            throw TrainingError.invalidSetting("--out \(path) is not a regular file")
        case .symbolicLink where !force:
            throw TrainingError.invalidSetting("--out \(path) is a symbolic link; pass --force to replace the link with the images")
        case .file(writable: false) where !force:
            throw TrainingError.invalidSetting("--out \(path) is read-only; pass --force to replace it")
        default:
            return
        }
    }
}

extension SampleCommand {
    /// "[0, 1] for mnist-dcgan, [-1, 1] for seed, …": each image model's output range, for the help.
    static var ranges: String {
        let images = ModelCatalogue.builtIn.models.filter { $0.samples != .points }
        return [PixelValues.unit, .symmetric].map { range in
            (range == .unit ? "[0, 1] for " : "[-1, 1] for ") + images.filter { $0.pixelValues == range }.map(\.name).joined(separator: ", ")
        }.joined(separator: "; ")
    }
}
