import WGANEngine
import WGANModels
import WGANNN
import WGANOptim
import WGANTestSupport
import XCTest

/// The fast critic step against the plain one (one loss, one gradient call) on every model of the
/// catalogue, and the refusal of critics the penalty cannot train.
final class CriticStepTests: XCTestCase {
    /// Both steps from the same start: every critic gradient and the losses agree to rounding.
    /// Not to the bit: the fast step sums the loss's two parts' gradients in Adam, scores real and
    /// fake as one batch and (seed) reuses the first product, so its sums run in another order.
    private func assertFastStepEqualsPlainStep(_ spec: ModelSpec, batch: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        func make() throws -> WGANGPStep {
            var rng = RandomGenerator(seed: 5)
            let generator = spec.makeGenerator(using: &rng), critic = spec.makeCritic(using: &rng)
            return try WGANGPStep(generator: generator, critic: critic,
                                  generatorOptimizer: Adam(parameters: generator.parameters, learningRate: 1e-4),
                                  criticOptimizer: Adam(parameters: critic.parameters, learningRate: 1e-4),
                                  interpolation: spec.interpolation)
        }
        var rng = RandomGenerator(seed: 9)
        let real = Tensor.uniform([batch] + spec.imageShape, low: 0, high: 1, using: &rng)
        let z = Tensor.randn([batch, spec.latentDimension], using: &rng), alpha = Tensor.uniform([batch, 1], using: &rng)
        let fast = try make().criticStep(real: real, z: z, alpha: alpha)
        let plain = try make().plainCriticStep(real: real, z: z, alpha: alpha)
        func relative(_ a: [Float], _ b: [Float]) -> Double {
            let diff = zip(a, b).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }
            return diff.squareRoot() / max(b.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot(), 1e-30)
        }
        XCTAssertEqual(fast.criticGradients.count, plain.criticGradients.count, file: file, line: line)
        for (index, (a, b)) in zip(fast.criticGradients, plain.criticGradients).enumerated() {
            XCTAssertLessThan(relative(a.scalars, b.scalars), 2e-5, "\(spec.model) gradient \(index)", file: file, line: line)
        }
        XCTAssertLessThan(relative(try XCTUnwrap(fast.inputGradient).scalars, try XCTUnwrap(plain.inputGradient).scalars), 2e-5, file: file, line: line)
        XCTAssertEqual(fast.loss, plain.loss, accuracy: 1e-5 * max(1, abs(plain.loss)), file: file, line: line)
        XCTAssertEqual(fast.penalty, plain.penalty, accuracy: 1e-5 * max(1, abs(plain.penalty)), file: file, line: line)
    }

    func testFastStepEqualsThePlainStepOnEveryModel() throws {
        for model in ModelCatalogue.builtIn.models {
            try assertFastStepEqualsPlainStep(model.spec(width: ModelTestData.width(for: model), latentDimension: ModelTestData.latentDimension), batch: 4)
        }
    }

    /// A critic that does not declare itself per-sample gets the plain step, to the bit.
    func testACriticThatIsNotPerSampleGetsThePlainStep() throws {
        final class Wrapped: Module {
            let inner: Module
            init(_ inner: Module) { self.inner = inner; super.init(); registerModule("inner", inner) }
            override func forward(_ x: Tensor) -> Tensor { inner(x) }
        }
        func make() throws -> WGANGPStep {
            var rng = RandomGenerator(seed: 3)
            let generator = MNISTDCGANGenerator(width: 4, using: &rng), critic = Wrapped(MNISTDCGANCritic(width: 4, using: &rng))
            return try WGANGPStep(generator: generator, critic: critic,
                                  generatorOptimizer: Adam(parameters: generator.parameters, learningRate: 1e-4),
                                  criticOptimizer: Adam(parameters: critic.parameters, learningRate: 1e-4), interpolation: .official)
        }
        var rng = RandomGenerator(seed: 4)
        let real = Tensor.uniform([3, 1, 28, 28], low: 0, high: 1, using: &rng)
        let z = Tensor.randn([3, 128], using: &rng), alpha = Tensor.uniform([3, 1], using: &rng)
        let viaCriticStep = try make().criticStep(real: real, z: z, alpha: alpha)
        let plain = try make().plainCriticStep(real: real, z: z, alpha: alpha)
        XCTAssertEqual(viaCriticStep.criticGradients.map(\.scalars), plain.criticGradients.map(\.scalars))
        XCTAssertEqual(viaCriticStep.loss, plain.loss)
    }

    func testACriticWithBatchNormIsRefused() {
        var rng = RandomGenerator(seed: 1)
        let generator = SeedGenerator(using: &rng)
        // A critic that normalises over the batch, as the seed's generator does.
        let critic = SeedGenerator(latentDimension: 784, imageShape: [1, 1, 1], using: &rng)
        XCTAssertThrowsError(try WGANGPStep(generator: generator, critic: critic,
                                            generatorOptimizer: Adam(parameters: generator.parameters, learningRate: 1e-4),
                                            criticOptimizer: Adam(parameters: critic.parameters, learningRate: 1e-4))) { error in
            XCTAssertTrue("\(error)".hasPrefix("the critic has BatchNorm, which the gradient penalty cannot train: the penalty is defined per sample"),
                          "\(error)")
            XCTAssertFalse("\(error)".contains("\n"))
        }
    }

    /// The paper's MNIST model has the shapes and state-dict names of `torch_dcgan.py`.
    func testTheMNISTModelsShapesAndNames() {
        var rng = RandomGenerator(seed: 2)
        let generator = MNISTDCGANGenerator(width: 8, using: &rng), critic = MNISTDCGANCritic(width: 8, using: &rng)
        XCTAssertEqual(generator.namedParameters.map(\.0), ["linear.weight", "linear.bias", "deconv1.weight", "deconv1.bias",
                                                            "deconv2.weight", "deconv2.bias", "deconv3.weight", "deconv3.bias"])
        XCTAssertEqual(generator.deconv1.weight.shape, [32, 16, 5, 5], "ConvTranspose2d weights are [in, out, kH, kW]")
        XCTAssertEqual(critic.namedParameters.map(\.0), ["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias",
                                                         "conv3.weight", "conv3.bias", "linear.weight", "linear.bias"])
        let images = withoutGrad { generator(Tensor.randn([3, 128], using: &rng)) }
        XCTAssertEqual(images.shape, [3, 1, 28, 28])
        XCTAssertTrue(images.scalars.allSatisfy { $0 > 0 && $0 < 1 }, "a sigmoid's range")
        XCTAssertEqual(withoutGrad { critic(images) }.shape, [3, 1])
        // The official initialisation: zero biases, Glorot-uniform linear weights within √(6/(in+out)).
        XCTAssertTrue(critic.conv1.bias!.scalars.allSatisfy { $0 == 0 })
        let bound = (6 / Float(4 * 4 * 4 * 8 + 1)).squareRoot()
        XCTAssertLessThanOrEqual(critic.linear.weight.scalars.map(abs).max()!, bound)
        XCTAssertGreaterThan(critic.linear.weight.scalars.map(abs).max()!, 0.9 * bound)
        let size = MNISTDCGANGenerator.size(width: 8, latentDimension: 128)
        XCTAssertEqual(size.parameters, generator.parameters.reduce(0) { $0 + $1.count })
        XCTAssertEqual(MNISTDCGANCritic.size(width: 8).parameters, critic.parameters.reduce(0) { $0 + $1.count })
    }
}
