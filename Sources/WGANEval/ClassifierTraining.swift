import Foundation
import WGANData
import WGANEngine
import WGANOptim

/// `wgan classifier train`: the feature classifier trained with the engine, seeded, so that the
/// same settings give the same weights (for a given thread count).
public struct ClassifierTraining {
    public var seed: UInt64 = 0
    public var epochs = 8
    public var batchSize = 128
    /// Adam's rate for the first epoch; each later epoch's is `decay` times the one before.
    public var learningRate: Float = 1e-3
    public var decay: Float = 0.75
    /// Each training image is moved by up to this many pixels across and down (a fresh random
    /// shift every time it is seen, zeros shifted in): the small CNN otherwise memorises the
    /// training digits and stays below 99% on the test split.
    public var maxShift = 2

    public init() {}

    /// What training produced.
    public struct Result {
        public let classifier: FeatureClassifier
        /// The share of the test split classified correctly.
        public let testAccuracy: Double
        public let seconds: Double
    }

    /// Trains on `train` and measures on `test`; `progress(epoch, meanLoss, testAccuracy)` after each epoch.
    public func run(train: ImageDataset, test: ImageDataset,
                    progress: (Int, Double, Double) -> Void = { _, _, _ in }) throws(EvaluationError) -> Result {
        guard train.height == 28, train.width == 28, test.height == 28, test.width == 28 else {
            throw .invalid("the classifier takes 28×28 images; the data's are \(train.width)×\(train.height)")
        }
        guard train.count >= 1, test.count >= 1, epochs >= 1, batchSize >= 1 else {
            throw .invalid("nothing to train: \(train.count) training images, \(test.count) test images, \(epochs) epochs")
        }
        let start = Date()
        var random = RandomGenerator(seed: seed)
        let classifier = FeatureClassifier(using: &random)
        let adam = Adam(parameters: classifier.parameters, learningRate: learningRate)
        var accuracy = 0.0
        for epoch in 1...epochs {
            var lossSum = 0.0, batches = 0
            for batch in random.permutation(train.count).chunked(batchSize) {
                let images = Self.shifted(try Self.images(train, batch), by: maxShift, using: &random)
                let loss = classifier(images).crossEntropy(labels: batch.map { Int(train.labels[$0]) })
                let grads = gradients(of: loss, withRespectTo: adam.parameters)
                adam.step(gradientParts: grads.map { [$0] })
                lossSum += Double(loss.item)
                batches += 1
            }
            accuracy = try Self.accuracy(of: classifier, on: test)
            progress(epoch, lossSum / Double(batches), accuracy)
            adam.learningRate *= decay
        }
        return Result(classifier: classifier, testAccuracy: accuracy, seconds: Date().timeIntervalSince(start))
    }

    /// The share of `dataset` that `classifier` labels correctly.
    public static func accuracy(of classifier: FeatureClassifier, on dataset: ImageDataset) throws(EvaluationError) -> Double {
        let logits = classifier.featuresAndLogits(try images(dataset, Array(0..<dataset.count))).logits
        let k = logits.shape[1], z = logits.storage.pointer
        var correct = 0
        for i in 0..<dataset.count {
            let row = UnsafeBufferPointer(start: z + i * k, count: k)
            if row.indices.max(by: { row[$0] < row[$1] }) == Int(dataset.labels[i]) { correct += 1 }
        }
        return Double(correct) / Double(dataset.count)
    }

    /// Each image of `images` [n, 1, H, W] moved by its own random offset in [−shift, shift]².
    static func shifted(_ images: Tensor, by shift: Int, using random: inout RandomGenerator) -> Tensor {
        guard shift > 0 else { return images }
        let (n, h, w) = (images.shape[0], images.shape[2], images.shape[3])
        let out = TensorStorage(count: images.count, repeating: 0)
        let (source, target) = (images.storage.pointer, out.pointer)
        for i in 0..<n {
            let dy = random.integer(below: 2 * shift + 1) - shift, dx = random.integer(below: 2 * shift + 1) - shift
            for y in max(0, dy)..<min(h, h + dy) {
                let (from, to) = (source + i * h * w + (y - dy) * w, target + i * h * w + y * w)
                for x in max(0, dx)..<min(w, w + dx) { to[x] = from[x - dx] }
            }
        }
        return Tensor(storage: out, shape: images.shape)
    }

    /// The images at `indices`, [n, 1, H, W] in [0, 1].
    static func images(_ dataset: ImageDataset, _ indices: [Int]) throws(EvaluationError) -> Tensor {
        let storage = TensorStorage(uninitializedCount: indices.count * dataset.pixelsPerImage)
        do {
            try dataset.gather(indices, into: storage.buffer, range: .unit)
        } catch {
            throw .invalid("reading the images failed: \(error)")
        }
        return Tensor(storage: storage, shape: [indices.count, 1, dataset.height, dataset.width])
    }
}

extension Array {
    /// Consecutive slices of at most `size` elements.
    func chunked(_ size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min(count, $0 + size)]) }
    }
}
