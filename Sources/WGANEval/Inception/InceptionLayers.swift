import Foundation
import WGANEngine

/// torchvision's `BasicConv2d` in evaluation mode: a convolution without bias, BatchNorm with its
/// running statistics (eps 1e-3), then ReLU. The normalisation is an affine map per channel, so it
/// is folded into the convolution once: weight·γ/√(σ²+ε), and β − μ·γ/√(σ²+ε) as the bias.
struct InceptionConv {
    let weight: Tensor, bias: Tensor
    let stride: Int
    let padding: (Int, Int)

    static let epsilon = 1e-3

    /// The layer `name` of `weights` (`name.conv.weight`, `name.bn.{weight, bias, running_mean,
    /// running_var}`); `same` pads by half the kernel (PyTorch's padding=k//2 for odd kernels).
    init(_ weights: InceptionWeights, _ name: String, stride: Int = 1, same: Bool = true) throws(EvaluationError) {
        let kernel = try weights.tensor("\(name).conv.weight", rank: 4)
        let outChannels = kernel.shape[0]
        let gamma = try weights.vector("\(name).bn.weight", count: outChannels)
        let beta = try weights.vector("\(name).bn.bias", count: outChannels)
        let mean = try weights.vector("\(name).bn.running_mean", count: outChannels)
        let variance = try weights.vector("\(name).bn.running_var", count: outChannels)
        let perChannel = kernel.count / outChannels
        var folded = kernel.scalars, shift = [Float](repeating: 0, count: outChannels)
        for o in 0..<outChannels {
            let scale = Double(gamma[o]) / (Double(variance[o]) + Self.epsilon).squareRoot()
            for k in 0..<perChannel { folded[o * perChannel + k] = Float(Double(folded[o * perChannel + k]) * scale) }
            shift[o] = Float(Double(beta[o]) - Double(mean[o]) * scale)
        }
        weight = Tensor(folded, shape: kernel.shape)
        bias = Tensor(shift, shape: [outChannels])
        self.stride = stride
        padding = same ? (kernel.shape[2] / 2, kernel.shape[3] / 2) : (0, 0)
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        InceptionKernels.addBiasAndReLUInPlace(x.conv2d(weight: weight, stride: (stride, stride), padding: padding), bias: bias)
    }
}

/// pytorch-fid's FIDInceptionA (Mixed_5b–5d): 1×1, 5×5, double 3×3 and an average-pool branch.
struct InceptionA {
    let branch1x1, branch5x5_1, branch5x5_2, branch3x3dbl_1, branch3x3dbl_2, branch3x3dbl_3, branchPool: InceptionConv

    init(_ w: InceptionWeights, _ name: String) throws(EvaluationError) {
        branch1x1 = try InceptionConv(w, "\(name).branch1x1")
        branch5x5_1 = try InceptionConv(w, "\(name).branch5x5_1")
        branch5x5_2 = try InceptionConv(w, "\(name).branch5x5_2")
        branch3x3dbl_1 = try InceptionConv(w, "\(name).branch3x3dbl_1")
        branch3x3dbl_2 = try InceptionConv(w, "\(name).branch3x3dbl_2")
        branch3x3dbl_3 = try InceptionConv(w, "\(name).branch3x3dbl_3")
        branchPool = try InceptionConv(w, "\(name).branch_pool")
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        InceptionKernels.concatenateChannels([
            branch1x1(x), branch5x5_2(branch5x5_1(x)), branch3x3dbl_3(branch3x3dbl_2(branch3x3dbl_1(x))),
            branchPool(InceptionKernels.pool3x3(x, .averageOfValid, stride: 1, padding: 1)),
        ])
    }
}

/// torchvision's InceptionB (Mixed_6a): the grid 35 → 17 by strided 3×3 convolutions and a max pool.
struct InceptionB {
    let branch3x3, branch3x3dbl_1, branch3x3dbl_2, branch3x3dbl_3: InceptionConv

    init(_ w: InceptionWeights, _ name: String) throws(EvaluationError) {
        branch3x3 = try InceptionConv(w, "\(name).branch3x3", stride: 2, same: false)
        branch3x3dbl_1 = try InceptionConv(w, "\(name).branch3x3dbl_1")
        branch3x3dbl_2 = try InceptionConv(w, "\(name).branch3x3dbl_2")
        branch3x3dbl_3 = try InceptionConv(w, "\(name).branch3x3dbl_3", stride: 2, same: false)
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        InceptionKernels.concatenateChannels([
            branch3x3(x), branch3x3dbl_3(branch3x3dbl_2(branch3x3dbl_1(x))), InceptionKernels.pool3x3(x, .maximum, stride: 2, padding: 0),
        ])
    }
}

/// pytorch-fid's FIDInceptionC (Mixed_6b–6e): factorised 7×7 convolutions (1×7 then 7×1).
struct InceptionC {
    let branch1x1, branchPool: InceptionConv
    let branch7x7: [InceptionConv], branch7x7dbl: [InceptionConv]

    init(_ w: InceptionWeights, _ name: String) throws(EvaluationError) {
        branch1x1 = try InceptionConv(w, "\(name).branch1x1")
        var single: [InceptionConv] = [], double: [InceptionConv] = []
        for i in 1...3 { single.append(try InceptionConv(w, "\(name).branch7x7_\(i)")) }
        for i in 1...5 { double.append(try InceptionConv(w, "\(name).branch7x7dbl_\(i)")) }
        (branch7x7, branch7x7dbl) = (single, double)
        branchPool = try InceptionConv(w, "\(name).branch_pool")
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        InceptionKernels.concatenateChannels([
            branch1x1(x), branch7x7.reduce(x) { $1($0) }, branch7x7dbl.reduce(x) { $1($0) },
            branchPool(InceptionKernels.pool3x3(x, .averageOfValid, stride: 1, padding: 1)),
        ])
    }
}

/// torchvision's InceptionD (Mixed_7a): the grid 17 → 8.
struct InceptionD {
    let branch3x3: [InceptionConv], branch7x7x3: [InceptionConv]

    init(_ w: InceptionWeights, _ name: String) throws(EvaluationError) {
        branch3x3 = [try InceptionConv(w, "\(name).branch3x3_1"), try InceptionConv(w, "\(name).branch3x3_2", stride: 2, same: false)]
        branch7x7x3 = [try InceptionConv(w, "\(name).branch7x7x3_1"), try InceptionConv(w, "\(name).branch7x7x3_2"),
                       try InceptionConv(w, "\(name).branch7x7x3_3"),
                       try InceptionConv(w, "\(name).branch7x7x3_4", stride: 2, same: false)]
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        InceptionKernels.concatenateChannels([
            branch3x3.reduce(x) { $1($0) }, branch7x7x3.reduce(x) { $1($0) }, InceptionKernels.pool3x3(x, .maximum, stride: 2, padding: 0),
        ])
    }
}

/// pytorch-fid's FIDInceptionE_1 (Mixed_7b, average pool) and FIDInceptionE_2 (Mixed_7c, max
/// pool): 1×3 and 3×1 convolutions side by side.
struct InceptionE {
    let branch1x1, branch3x3_1, branch3x3_2a, branch3x3_2b: InceptionConv
    let branch3x3dbl_1, branch3x3dbl_2, branch3x3dbl_3a, branch3x3dbl_3b, branchPool: InceptionConv
    let pooling: InceptionKernels.Pooling

    init(_ w: InceptionWeights, _ name: String, pooling: InceptionKernels.Pooling) throws(EvaluationError) {
        branch1x1 = try InceptionConv(w, "\(name).branch1x1")
        branch3x3_1 = try InceptionConv(w, "\(name).branch3x3_1")
        branch3x3_2a = try InceptionConv(w, "\(name).branch3x3_2a")
        branch3x3_2b = try InceptionConv(w, "\(name).branch3x3_2b")
        branch3x3dbl_1 = try InceptionConv(w, "\(name).branch3x3dbl_1")
        branch3x3dbl_2 = try InceptionConv(w, "\(name).branch3x3dbl_2")
        branch3x3dbl_3a = try InceptionConv(w, "\(name).branch3x3dbl_3a")
        branch3x3dbl_3b = try InceptionConv(w, "\(name).branch3x3dbl_3b")
        branchPool = try InceptionConv(w, "\(name).branch_pool")
        self.pooling = pooling
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        let single = branch3x3_1(x), double = branch3x3dbl_2(branch3x3dbl_1(x))
        return InceptionKernels.concatenateChannels([
            branch1x1(x), branch3x3_2a(single), branch3x3_2b(single), branch3x3dbl_3a(double), branch3x3dbl_3b(double),
            branchPool(InceptionKernels.pool3x3(x, pooling, stride: 1, padding: 1)),
        ])
    }
}
