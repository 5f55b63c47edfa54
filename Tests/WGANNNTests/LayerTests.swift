import WGANEngine
import WGANNN
import XCTest

final class LayerTests: XCTestCase {
    func testLinearUsesPyTorchInitialisationBoundsAndNames() {
        var rng = RandomGenerator(seed: 3)
        let layer = Linear(100, 30, using: &rng)
        XCTAssertEqual(layer.weight.shape, [30, 100])
        XCTAssertEqual(layer.bias?.shape, [30])
        let bound: Float = 0.1  // 1/√100
        XCTAssertLessThanOrEqual(layer.weight.scalars.map(abs).max()!, bound)
        XCTAssertGreaterThan(layer.weight.scalars.map(abs).max()!, 0.95 * bound, "spread over the whole interval")
        XCTAssertLessThanOrEqual(layer.bias!.scalars.map(abs).max()!, bound)
        XCTAssertEqual(layer.stateDict.map(\.name), ["weight", "bias"])
        XCTAssertTrue(layer.parameters.allSatisfy(\.requiresGrad))
        let x = Tensor([1, 2], shape: [1, 2])
        var small = RandomGenerator(seed: 1)
        let tiny = Linear(2, 1, using: &small)
        let expected = tiny.weight.scalars[0] * 1 + tiny.weight.scalars[1] * 2 + tiny.bias!.scalars[0]
        XCTAssertEqual(tiny(x).item, expected, accuracy: 1e-6)
    }

    func testBatchNormTrainingNormalisesAndUpdatesRunningStatistics() {
        let bn = BatchNorm1d(2, eps: 0, momentum: 0.1)
        let x = Tensor([1, 10, 3, 20, 5, 30], shape: [3, 2])
        let y = bn(x)
        // Column 0: mean 3, biased variance 8/3.
        let scale = 1 / (Float(8) / 3).squareRoot()
        XCTAssertEqual(y.scalars[0], -2 * scale, accuracy: 1e-5)
        XCTAssertEqual(y.scalars[4], 2 * scale, accuracy: 1e-5)
        XCTAssertEqual(bn.runningMean.scalars, [0.3, 2.0], accuracy: 1e-6)
        // Running variance takes the unbiased variance: column 0 gives 4, column 1 gives 100.
        XCTAssertEqual(bn.runningVar.scalars, [0.9 + 0.4, 0.9 + 10], accuracy: 1e-5)
        XCTAssertEqual(bn.numBatchesTracked.value, 1)
        bn.repeatLastStatisticsUpdate()
        XCTAssertEqual(bn.numBatchesTracked.value, 2)
        XCTAssertEqual(bn.runningMean.scalars[0], 0.9 * 0.3 + 0.3, accuracy: 1e-6)
    }

    func testBatchNormEvalModeUsesRunningStatistics() {
        let bn = BatchNorm1d(1, eps: 0.8)
        bn.runningMean.storage.pointer[0] = 2
        bn.runningVar.storage.pointer[0] = 3.2
        bn.weight.storage.pointer[0] = 3
        bn.bias.storage.pointer[0] = 1
        bn.eval()
        let y = bn(Tensor([4], shape: [1, 1]))
        XCTAssertEqual(y.item, (4 - 2) / 2 * 3 + 1, accuracy: 1e-6)  // √(3.2 + 0.8) = 2
        XCTAssertEqual(bn.numBatchesTracked.value, 0, "eval mode leaves the statistics alone")
    }

    func testLayerNormNormalisesEachSample() {
        let ln = LayerNorm([4], eps: 0)
        let y = ln(Tensor([1, 2, 3, 4, 10, 10, 10, 14], shape: [2, 4])).scalars
        let mean0 = y[0..<4].reduce(0, +) / 4
        XCTAssertEqual(mean0, 0, accuracy: 1e-6)
        XCTAssertEqual(y[0..<4].map { $0 * $0 }.reduce(0, +) / 4, 1, accuracy: 1e-5)
        XCTAssertEqual(y[7], 3 / Float(3).squareRoot(), accuracy: 1e-5)  // x − mean = 3, σ = √3
        XCTAssertEqual(ln.stateDict.map(\.name), ["weight", "bias"])
    }

    func testActivationsAndSequentialNames() {
        var rng = RandomGenerator(seed: 2)
        let model = Sequential([Linear(3, 4, using: &rng), LeakyReLU(negativeSlope: 0.2), Linear(4, 1, using: &rng), Tanh()])
        XCTAssertEqual(model.stateDict.map(\.name), ["0.weight", "0.bias", "2.weight", "2.bias"])
        let y = model(Tensor.ones([5, 3]))
        XCTAssertEqual(y.shape, [5, 1])
        XCTAssertTrue(y.scalars.allSatisfy { abs($0) < 1 })
        XCTAssertEqual(Sigmoid()(Tensor([0], shape: [1])).item, 0.5)
        XCTAssertEqual(ReLU()(Tensor([-1, 2], shape: [2])).scalars, [0, 2])
        XCTAssertEqual(Flatten()(Tensor.zeros([2, 1, 3, 3])).shape, [2, 9])
    }

    func testStateDictLoadsInPlaceAndRejectsMismatches() throws {
        var rng = RandomGenerator(seed: 4)
        let layer = Linear(2, 1, using: &rng)
        let weight = layer.weight
        try layer.loadStateDict(["weight": .floats([5, 6], shape: [1, 2]), "bias": .floats([7], shape: [1])])
        XCTAssertTrue(layer.weight === weight, "parameters keep their identity for optimizers")
        XCTAssertEqual(layer.weight.scalars, [5, 6])
        XCTAssertThrowsError(try layer.loadStateDict(["weight": .floats([5, 6], shape: [1, 2])])) {
            XCTAssertEqual($0 as? StateDictError, .missingKey("bias"))
        }
        XCTAssertThrowsError(try layer.loadStateDict(["weight": .floats([1, 2, 3], shape: [3, 1]), "bias": .floats([7], shape: [1])])) {
            XCTAssertEqual($0 as? StateDictError, .shapeMismatch("weight", expected: [1, 2], found: [3, 1]))
        }
        XCTAssertThrowsError(try layer.loadStateDict(["weight": .floats([5, 6], shape: [1, 2]), "bias": .floats([7], shape: [1]),
                                                      "extra": .integer(1)])) {
            XCTAssertEqual($0 as? StateDictError, .unexpectedKey("extra"))
        }
        let bn = BatchNorm1d(1)
        XCTAssertThrowsError(try bn.loadStateDict(["weight": .floats([1], shape: [1]), "bias": .floats([0], shape: [1]),
                                                   "running_mean": .floats([0], shape: [1]), "running_var": .floats([1], shape: [1]),
                                                   "num_batches_tracked": .floats([3], shape: [])])) {
            XCTAssertEqual($0 as? StateDictError, .kindMismatch("num_batches_tracked"))
        }
    }
}

func XCTAssertEqual(_ a: [Float], _ b: [Float], accuracy: Float, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, file: file, line: line)
    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, file: file, line: line) }
}

final class ConvolutionLayerTests: XCTestCase {
    /// PyTorch's bounds: 1/√(in·k²) for Conv2d, 1/√(out·k²) for ConvTranspose2d (its weight's
    /// dimension 1 is out); state-dict names weight and bias; the forward pass is the engine op.
    func testPyTorchInitialisationNamesAndForward() {
        var rng = RandomGenerator(seed: 1)
        let conv = Conv2d(4, 8, kernelSize: 5, stride: 2, padding: 2, using: &rng)
        XCTAssertEqual(conv.weight.shape, [8, 4, 5, 5])
        XCTAssertEqual(conv.stateDict.map(\.name), ["weight", "bias"])
        let bound = 1 / Float(100).squareRoot()
        XCTAssertLessThanOrEqual(conv.weight.scalars.map(abs).max()!, bound)
        XCTAssertGreaterThan(conv.weight.scalars.map(abs).max()!, 0.95 * bound)
        XCTAssertLessThanOrEqual(conv.bias!.scalars.map(abs).max()!, bound)
        let x = Tensor.ones([2, 4, 7, 7])
        XCTAssertEqual(conv(x).shape, [2, 8, 4, 4])
        XCTAssertEqual(conv(x).scalars, x.conv2d(weight: conv.weight, bias: conv.bias, stride: 2, padding: 2).scalars)

        let deconv = ConvTranspose2d(8, 2, kernelSize: 5, stride: 2, padding: 2, outputPadding: 1, bias: false, using: &rng)
        XCTAssertEqual(deconv.weight.shape, [8, 2, 5, 5])
        XCTAssertEqual(deconv.stateDict.map(\.name), ["weight"])
        let transposeBound = 1 / Float(2 * 25).squareRoot()
        XCTAssertLessThanOrEqual(deconv.weight.scalars.map(abs).max()!, transposeBound)
        XCTAssertGreaterThan(deconv.weight.scalars.map(abs).max()!, 0.9 * transposeBound)
        XCTAssertEqual(deconv(Tensor.ones([1, 8, 7, 7])).shape, [1, 2, 14, 14])
    }

    /// tflib's he_init for the MNIST critic's second layer (64 → 128, k 5, stride 2):
    /// fan_in 1600, fan_out 128·25/4 = 800, stdev √(4/2400), bound stdev·√3; biases zero.
    func testTflibHeAndGlorotInitialisation() {
        var rng = RandomGenerator(seed: 2)
        let conv = Conv2d(64, 128, kernelSize: 5, stride: 2, padding: 2, initialization: .heUniform, using: &rng)
        let heBound = (4 / Float(2400)).squareRoot() * Float(3).squareRoot()
        XCTAssertLessThanOrEqual(conv.weight.scalars.map(abs).max()!, heBound)
        XCTAssertGreaterThan(conv.weight.scalars.map(abs).max()!, 0.99 * heBound)
        XCTAssertEqual(conv.bias!.scalars, [Float](repeating: 0, count: 128))
        // Deconv 128 → 64, k 5, stride 2: fan_in 128·25/4 = 800, fan_out 1600.
        let deconv = ConvTranspose2d(128, 64, kernelSize: 5, stride: 2, padding: 2, outputPadding: 1,
                                     initialization: .glorotUniform, using: &rng)
        let glorotBound = (2 / Float(2400)).squareRoot() * Float(3).squareRoot()
        XCTAssertLessThanOrEqual(deconv.weight.scalars.map(abs).max()!, glorotBound)
        XCTAssertGreaterThan(deconv.weight.scalars.map(abs).max()!, 0.99 * glorotBound)
    }

    func testLayerNorm2dStartsAsPlainNormalisation() {
        let norm = LayerNorm2d(3)
        XCTAssertEqual(norm.stateDict.map(\.name), ["weight", "bias"])
        var rng = RandomGenerator(seed: 3)
        let x = Tensor.uniform([2, 3, 4, 4], low: -2, high: 3, using: &rng)
        let y = norm(x).reshaped([2, 48])
        for (mean, variance) in zip(y.mean(axes: [1]).scalars, y.variance(axes: [1]).scalars) {
            XCTAssertEqual(mean, 0, accuracy: 1e-5)
            XCTAssertEqual(variance, 1, accuracy: 1e-3)
        }
    }
}
