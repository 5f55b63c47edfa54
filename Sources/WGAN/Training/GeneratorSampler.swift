import Foundation
import TensorFormats
import WGANEngine
import WGANModels
import WGANNN

/// `wgan sample`: images from a generator checkpoint, as a PNG grid or a float32 `.npy` array.
public struct GeneratorSampler {
    /// How the generator's BatchNorm layers normalise.
    public enum BatchNormMode: String, CaseIterable, Sendable {
        /// Running statistics: PyTorch's evaluation mode, the default.
        case running
        /// The sampled batch's own statistics (training mode); the loaded model is left as it was.
        case batch
    }

    public let generator: any ImageGenerator
    /// The model the generator was built as, and its shapes.
    public let model: any GANModel
    public let spec: ModelSpec
    public let checkpoint: URL

    /// Loads the generator from `path`: a `generator.safetensors` file, a run folder, or a
    /// `checkpoints` folder. The model is rebuilt from the file's metadata (its `ModelSpec`);
    /// a file written before checkpoints named their model is read as the seed's generator.
    /// The model is looked up in `catalogue`.
    public init(checkpoint path: URL, catalogue: ModelCatalogue = .builtIn) throws(TrainingError) {
        checkpoint = try Self.locate(path)
        let file = try ModelStateFile.read(checkpoint)
        if let named = try ModelStateFile.spec(in: file, role: .generator, path: checkpoint.path) {
            spec = named
        } else {
            spec = try Self.seedSpec(of: file, path: checkpoint.path)
        }
        guard let model = catalogue.named(spec.model) else {
            throw .checkpoint(path: checkpoint.path, problem: "its model '\(spec.model)' is not one of \(catalogue.names)")
        }
        self.model = model
        if let problem = model.problem(with: spec) { throw .checkpoint(path: checkpoint.path, problem: problem) }
        var shapeOnly = RandomGenerator(seed: 0)
        generator = model.makeGenerator(spec, using: &shapeOnly)
        try ModelStateFile.load(generator, from: file, path: checkpoint.path)
        // Such weights give images of NaN, which a PNG would show as black and an .npy pass on.
        if let entry = TrainingModels.firstNonFiniteEntry(of: generator) {
            throw .checkpoint(path: checkpoint.path, problem: "'\(entry)' holds a NaN or an infinity")
        }
    }

    /// The seed generator a file without a model in its metadata holds, from its first and
    /// last layers' shapes.
    private static func seedSpec(of file: SafeTensors, path: String) throws(TrainingError) -> ModelSpec {
        guard let first = file["linear1.weight"], first.shape.count == 2,
              let last = file["linear5.weight"], last.shape.count == 2
        else {
            throw .checkpoint(path: path, problem: "not a generator checkpoint (it names no model, and lacks the seed generator's linear1.weight or linear5.weight)")
        }
        let pixels = last.shape[0]
        let side = SampleGrid.rowLength(for: pixels)
        guard side * side == pixels, first.shape[1] >= 1 else {
            throw .checkpoint(path: path, problem: "linear5.weight's \(pixels) outputs are not a square image")
        }
        return ModelSpec(model: SeedModel().name, latentDimension: first.shape[1], width: 64, imageShape: [1, side, side])
    }

    public var latentDimension: Int { generator.latentDimension }

    /// The classes of a conditional checkpoint, in label order; nil for an unconditional one.
    public var classNames: [String]? { spec.classNames }

    /// The class `argument` names: its index or its name.
    ///
    /// - Throws: `TrainingError.invalidSetting` for an unconditional checkpoint or a class it lacks.
    public func classIndex(_ argument: String) throws(TrainingError) -> Int {
        guard let names = classNames else {
            throw .invalidSetting("--class needs a conditional checkpoint; \(checkpoint.path) holds an unconditional \(spec.model) generator")
        }
        if let index = names.firstIndex(of: argument) { return index }
        if let index = Int(argument), names.indices.contains(index) { return index }
        throw .invalidSetting("--class '\(argument)' is not one of this checkpoint's classes: 0 to \(names.count - 1) or "
                              + names.map { "'\($0)'" }.joined(separator: ", "))
    }

    /// The classes of `count` samples: all `label`'s, or for a conditional checkpoint without one
    /// 0, 1, …, K−1 repeated (each row of a grid of K columns holds every class); nil for an
    /// unconditional checkpoint.
    public func labels(count: Int, label: Int?) -> [Int]? {
        guard let classes = classNames?.count else { return nil }
        return (0..<count).map { label ?? $0 % classes }
    }

    /// Throws unless sampling `count` images fits in the machine's memory.
    public func checkMemory(count: Int) throws(TrainingError) {
        let pixels = generator.imageShape.reduce(1, *)
        try MemoryBudget.require(floats: model.sizes(spec)[0].samplingFloats(count: count, pixels: pixels), for: "sampling \(count) images",
                                 remedy: "use a smaller --count")
    }

    /// `count` latent vectors drawn with `seed`.
    public func noise(count: Int, seed: UInt64) -> Tensor {
        var random = RandomGenerator(seed: seed)
        return Tensor.randn([count, latentDimension], using: &random)
    }

    /// Reads latent vectors from a float32 `.npy` file of shape [N, latent].
    public func noise(from url: URL) throws(TrainingError) -> Tensor {
        let array: NPYArray
        do {
            array = try NPYArray(contentsOf: url)
        } catch {
            throw .invalidSetting("--z: \(error)")
        }
        guard array.shape.count == 2, array.shape[0] >= 1, array.shape[1] == latentDimension else {
            throw .invalidSetting("--z: \(url.path) has shape \(array.shape); this generator needs [N, \(latentDimension)]")
        }
        if let index = array.values.firstIndex(where: { !$0.isFinite }) {
            throw .invalidSetting("--z: \(url.path) holds \(array.values[index]) at row \(index / latentDimension); "
                                  + "latent vectors must be finite")
        }
        return Tensor(array.values, shape: array.shape)
    }

    /// The generator's images of `z`, [N, C, H, W], values in its output range (its model's
    /// `pixelValues`: [-1, 1] for a tanh, [0, 1] for a sigmoid). BatchNorm modes matter only for a
    /// generator that has BatchNorm.
    /// A conditional generator's images take `labels` (one per row of z, `labels(count:label:)`).
    public func images(for z: Tensor, labels: [Int]? = nil, batchNorm: BatchNormMode = .running) throws(TrainingError) -> Tensor {
        let labels = labels ?? self.labels(count: z.shape[0], label: nil)
        switch batchNorm {
        case .running:
            generator.eval()
            defer { generator.train() }
            return try Self.requireFinite(withoutGrad { generator.generate(z, labels: labels) })
        case .batch:
            let hasBatchNorm = generator.modules.contains { $0 is BatchNorm }
            guard z.shape[0] >= 2 || !hasBatchNorm else {
                throw .invalidSetting("--batch-norm batch needs at least 2 samples (BatchNorm's batch statistics), got \(z.shape[0])")
            }
            generator.train()
            return try Self.requireFinite(generator.preservingBuffers { withoutGrad { generator.generate(z, labels: labels) } })
        }
    }

    /// `images`, unless finite weights and noise still overflowed somewhere.
    private static func requireFinite(_ images: Tensor) throws(TrainingError) -> Tensor {
        guard images.storage.buffer.allSatisfy(\.isFinite) else {
            throw .invalidSetting("the generator produced NaN or infinite values; nothing was written")
        }
        return images
    }

    /// Writes `images` to `url`: a grid for `.png` (`nrow` to a row; default ceil(√N)), the raw array for `.npy`.
    public static func write(_ images: Tensor, to url: URL, nrow: Int? = nil) throws(TrainingError) {
        switch url.pathExtension.lowercased() {
        case "png" where images.shape.count == 2:
            try ToyFrame.writeScatter(images, to: url)
        case "png":
            let count = images.shape[0]
            try SampleGrid.write(images, count: count, nrow: nrow ?? SampleGrid.rowLength(for: count), to: url)
        case "npy":
            do {
                try NPYArray(shape: images.shape, values: images.scalars).write(to: url)
            } catch {
                throw .output(path: url.path, failure: error)
            }
        default:
            throw .invalidSetting("--out must end in .png or .npy, got \(url.lastPathComponent)")
        }
    }

    /// The checkpoint file `path` names: itself, or `generator.safetensors` in it or in its `checkpoints`.
    static func locate(_ path: URL) throws(TrainingError) -> URL {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path.path, isDirectory: &isDirectory) else {
            throw .checkpoint(path: path.path, problem: "no such file or folder")
        }
        guard isDirectory.boolValue else { return path }
        for candidate in ["generator.safetensors", "checkpoints/generator.safetensors"] {
            let url = path.appendingPathComponent(candidate)
            if FileManager.default.fileExists(atPath: url.path) { return url }
        }
        throw .checkpoint(path: path.path, problem: "the folder holds neither generator.safetensors nor checkpoints/generator.safetensors")
    }
}
