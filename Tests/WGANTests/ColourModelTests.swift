import WGANEngine
import WGANModels
import WGANNN
import WGANOptim
import XCTest

final class ColourModelTests: XCTestCase {
    func testCIFARModelsMakeAndScore32x32ColourImages() {
        var rng = RandomGenerator(seed: 1)
        let spec = ModelSpec(model: "cifar-dcgan", latentDimension: 8, width: 4, imageShape: [3, 32, 32])
        XCTAssertNil(spec.problem)
        let generator = spec.makeGenerator(using: &rng), critic = spec.makeCritic(using: &rng)
        let images = generator(Tensor.randn([2, 8], using: &rng))
        XCTAssertEqual(images.shape, [2, 3, 32, 32])
        XCTAssertLessThanOrEqual(images.scalars.map(abs).max()!, 1, "tanh output")
        XCTAssertEqual(critic(images).shape, [2, 1])
        // The official layer sizes: 4·4·4·DIM after the linear layer, DIM → 2·DIM → 4·DIM in the critic.
        let names = generator.stateDict.map(\.name)
        XCTAssertTrue(names.contains("bn0.running_var") && names.contains("bn2.num_batches_tracked") && !names.contains("bn3.weight"))
        XCTAssertEqual(generator.stateDict.first { $0.name == "linear.weight" }.map(shapeOf), [256, 8])
        XCTAssertEqual(generator.stateDict.first { $0.name == "deconv3.weight" }.map(shapeOf), [4, 3, 5, 5])
        XCTAssertEqual(critic.stateDict.map(\.name), ["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias",
                                                      "conv3.weight", "conv3.bias", "linear.weight", "linear.bias"])
        XCTAssertEqual(critic.stateDict.first { $0.name == "linear.weight" }.map(shapeOf), [1, 256])
        let sizes = spec.sizes
        XCTAssertEqual(sizes[0].parameters, generator.parameters.reduce(0) { $0 + $1.count })
        XCTAssertEqual(sizes[1].parameters, critic.parameters.reduce(0) { $0 + $1.count })
    }

    func testDCGAN64HasOneMoreLevelAndLayerNormInTheCritic() {
        var rng = RandomGenerator(seed: 2)
        let spec = ModelSpec(model: "dcgan64", latentDimension: 8, width: 2, imageShape: [3, 64, 64])
        let generator = spec.makeGenerator(using: &rng), critic = spec.makeCritic(using: &rng)
        let images = generator(Tensor.randn([2, 8], using: &rng))
        XCTAssertEqual(images.shape, [2, 3, 64, 64])
        XCTAssertEqual(critic(images).shape, [2, 1])
        XCTAssertEqual(generator.stateDict.first { $0.name == "bn0.weight" }.map(shapeOf), [16], "BatchNorm2d on the 8·dim map")
        XCTAssertTrue(critic.stateDict.map(\.name).contains("ln4.weight"))
        XCTAssertFalse(critic.modules.contains { $0 is BatchNorm })
        XCTAssertEqual(spec.sizes[0].parameters, generator.parameters.reduce(0) { $0 + $1.count })
        XCTAssertEqual(spec.sizes[1].parameters, critic.parameters.reduce(0) { $0 + $1.count })
    }

    /// The official `Normalize`: layer norm in a WGAN-GP critic, BatchNorm in the critics of the
    /// other losses; the spec (and so the checkpoint) says which, and the penalty refuses BatchNorm.
    func testNormalisingCriticsTakeBatchNormWithoutThePenalty() throws {
        for (model, statistic) in [("dcgan64", "bn2.running_mean"), ("good-resnet", "res1.norm1.running_mean")] {
            var rng = RandomGenerator(seed: 4)
            let spec = ModelSpec(model: model, latentDimension: 8, width: 2, imageShape: [3, 64, 64], criticNormalization: .batch)
            XCTAssertEqual(ModelSpec(jsonString: spec.jsonString), spec)
            XCTAssertTrue(spec.jsonString.contains("\"critic_norm\":\"batch\""))
            let layerNormed = ModelSpec(model: model, latentDimension: 8, width: 2, imageShape: [3, 64, 64])
            XCTAssertFalse(layerNormed.jsonString.contains("critic_norm"), "a penalty run's spec reads as before")
            XCTAssertFalse(layerNormed.makeCritic(using: &rng).modules.contains { $0 is BatchNorm }, model)
            let generator = spec.makeGenerator(using: &rng), critic = spec.makeCritic(using: &rng)
            XCTAssertTrue(critic.modules.contains { $0 is BatchNorm } && !critic.modules.contains { $0 is LayerNorm2d }, model)
            XCTAssertEqual(spec.sizes[1].parameters, critic.parameters.reduce(0) { $0 + $1.count }, model)
            let adam = { (module: Module) in Adam(parameters: module.parameters, learningRate: 2e-4, betas: (0.5, 0.999)) }
            XCTAssertThrowsError(try WGANGPStep(generator: generator, critic: critic, generatorOptimizer: adam(generator),
                                                criticOptimizer: adam(critic)), model)
            let step = StandardGANStep(generator: generator, critic: critic, generatorOptimizer: adam(generator),
                                       criticOptimizer: adam(critic), objective: .crossEntropy)
            func runningMean() -> [Float] {
                guard case .tensor(let mean)? = critic.stateDict.first(where: { $0.name == statistic })?.value else { return [] }
                return mean.scalars
            }
            let before = runningMean()
            XCTAssertFalse(before.isEmpty, model)
            let result = step.criticStep(real: Tensor.uniform([2, 3, 64, 64], using: &rng), z: Tensor.randn([2, 8], using: &rng),
                                         alpha: Tensor.uniform([2, 1], using: &rng))
            XCTAssertTrue(result.loss.isFinite && result.loss > 0, model)
            XCTAssertNotEqual(runningMean(), before, "\(model): batch statistics tracked")
            XCTAssertTrue(step.generatorStep(z: Tensor.randn([2, 8], using: &rng)).isFinite, model)
        }
    }

    /// gan_64x64.py draws every weight of its DCGAN pair with standard deviation 0.02 (tflib's
    /// `set_weights_stdev`), biases zero; gan_cifar.py keeps tflib's fan-based defaults.
    func testDCGAN64WeightsHaveTheOfficialStandardDeviation() {
        func rootMeanSquare(_ values: [Float]) -> Float { (values.map { $0 * $0 }.reduce(0, +) / Float(values.count)).squareRoot() }
        var rng = RandomGenerator(seed: 3)
        let spec = ModelSpec(model: "dcgan64", latentDimension: 16, width: 4, imageShape: [3, 64, 64])
        let models: [Module] = [spec.makeGenerator(using: &rng), spec.makeCritic(using: &rng)]
        let layers = models.flatMap(\.namedParameters).filter { !$0.name.hasPrefix("bn") && !$0.name.hasPrefix("ln") }
        XCTAssertEqual(layers.count, 2 * (1 + 4) * 2, "linear and four (de)convolutions on each side, weight and bias")
        for (name, tensor) in layers.map({ ($0.name, $0.tensor.scalars) }) {
            if name.hasSuffix(".weight") {
                XCTAssertEqual(rootMeanSquare(tensor), 0.02, accuracy: tensor.count > 1_000 ? 0.001 : 0.004, name)
                XCTAssertLessThanOrEqual(tensor.map(abs).max()!, 0.02 * Float(3).squareRoot(), name)
            } else {
                XCTAssertEqual(tensor.map(abs).max(), 0, name)
            }
        }
        let cifar = ModelSpec(model: "cifar-dcgan", latentDimension: 16, width: 4, imageShape: [3, 32, 32]).makeCritic(using: &rng)
        let conv1 = cifar.namedParameters.first { $0.name == "conv1.weight" }!.tensor.scalars
        // He-uniform with tflib's fans for 3 → 4 channels, 5×5, stride 2: √(4 / (75 + 25)) = 0.2.
        XCTAssertEqual(rootMeanSquare(conv1), 0.2, accuracy: 0.03)
    }

    func testColourModelsRefuseImagesOfAnotherShapeInOneLine() {
        let spec = ModelSpec(model: "cifar-dcgan", latentDimension: 128, width: 128, imageShape: [1, 28, 28])
        XCTAssertEqual(spec.problem, "cifar-dcgan makes 3×32×32 (or 1×32×32) images; the data's are 1×28×28 — pass --image-size 32 --channels 3 with an image folder")
        XCTAssertNil(ModelSpec(model: "cifar-dcgan", latentDimension: 128, width: 8, imageShape: [1, 32, 32]).problem)
        XCTAssertNotNil(ModelSpec(model: "dcgan64", latentDimension: 128, width: 8, imageShape: [3, 32, 32]).problem)
    }

    /// The critic's input gradient is differentiated again by the penalty: check it end to end.
    func testCIFARCriticIsTwiceDifferentiable() {
        var rng = RandomGenerator(seed: 3)
        let critic = ColourDCGANCritic(depth: .cifar, width: 1, channels: 1, using: &rng)
        let x = Tensor.uniform([1, 1, 32, 32], low: -1, high: 1, using: &rng)
        let error = GradientCheck.secondOrderError(at: [x], step: 1e-2) { t in critic(t[0]).sum() }
        XCTAssertLessThan(error, 2e-2)
    }

    private func shapeOf(_ entry: (name: String, value: StateValue)) -> [Int] {
        if case .tensor(let t) = entry.value { return t.shape }
        return []
    }
}
