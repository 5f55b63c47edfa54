/// 2-D convolutions (NCHW, PyTorch's semantics) as three bilinear primitives over one geometry
/// (see `ConvKernels`): the convolution y = conv(x, W), its adjoint in x, x̄ = convᵀ(y, W) (the
/// transposed convolution), and its weight gradient W̄ = wgrad(x, y). Each one's derivatives are
/// the other two, so the set is closed under differentiation and a convolution can be
/// differentiated any number of times (the gradient penalty's double backward):
///
///     conv(x, W):    x̄ = convᵀ(g, W),   W̄ = wgrad(x, g)
///     convᵀ(y, W):   ȳ = conv(g, W),    W̄ = wgrad(g, y)
///     wgrad(x, y):   x̄ = convᵀ(y, g),   ȳ = conv(x, g)
///
/// The kernels build column matrices region by region, a few samples at a time in cache; the
/// whole-matrix lowering they replaced, im2col and col2im, is kept for tests only, in
/// `Tensor.Reference`.
extension Tensor {
    /// PyTorch's `conv2d`: self [N, C, H, W], weight [O, C, kH, kW], optional bias [O]; output
    /// [N, O, OH, OW] with OH = floor((H + 2·pH − kH)/sH) + 1.
    public func conv2d(weight: Tensor, bias: Tensor? = nil, stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0)) -> Tensor {
        precondition(rank == 4 && weight.rank == 4 && weight.shape[1] == shape[1],
                     "conv2d: input \(shape) and weight \(weight.shape) do not fit ([N, C, H, W] and [O, C, kH, kW])")
        let geometry = ConvGeometry(channels: shape[1], height: shape[2], width: shape[3],
                                    kernel: (weight.shape[2], weight.shape[3]), stride: stride, padding: padding)
        let y = convolution(weight: weight, geometry)
        return bias.map { y.addingChannelBias($0) } ?? y
    }

    /// `conv2d` with the same stride and padding on both axes.
    public func conv2d(weight: Tensor, bias: Tensor? = nil, stride: Int, padding: Int = 0) -> Tensor {
        conv2d(weight: weight, bias: bias, stride: (stride, stride), padding: (padding, padding))
    }

    /// PyTorch's `conv_transpose2d`: self [N, C, H, W], weight [C, O, kH, kW], optional bias [O];
    /// output [N, O, (H − 1)·sH − 2·pH + kH + opH, …]. It is the adjoint of `conv2d` with the same
    /// weight (the input gradient of a convolution).
    /// `outputPadding` (smaller than the stride) adds rows and columns at the bottom and right.
    public func convTranspose2d(
        weight: Tensor, bias: Tensor? = nil, stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0),
        outputPadding: (Int, Int) = (0, 0)
    ) -> Tensor {
        precondition(rank == 4 && weight.rank == 4 && weight.shape[0] == shape[1],
                     "convTranspose2d: input \(shape) and weight \(weight.shape) do not fit ([N, C, H, W] and [C, O, kH, kW])")
        precondition(outputPadding.0 >= 0 && outputPadding.1 >= 0 && outputPadding.0 < stride.0 && outputPadding.1 < stride.1,
                     "convTranspose2d: output padding \(outputPadding) must be smaller than the stride \(stride)")
        let (h, w) = (shape[2], shape[3])
        let (kh, kw) = (weight.shape[2], weight.shape[3])
        let outHeight = (h - 1) * stride.0 - 2 * padding.0 + kh + outputPadding.0
        let outWidth = (w - 1) * stride.1 - 2 * padding.1 + kw + outputPadding.1
        precondition(outHeight > 0 && outWidth > 0, "convTranspose2d: empty output \(outHeight)×\(outWidth)")
        let geometry = ConvGeometry(channels: weight.shape[1], height: outHeight, width: outWidth,
                                    kernel: (kh, kw), stride: stride, padding: padding)
        precondition(geometry.outputHeight == h && geometry.outputWidth == w, "convTranspose2d: inconsistent geometry \(geometry)")
        let y = convolutionAdjoint(weight: weight, geometry)
        return bias.map { y.addingChannelBias($0) } ?? y
    }

    /// `convTranspose2d` with the same stride, padding and output padding on both axes.
    public func convTranspose2d(weight: Tensor, bias: Tensor? = nil, stride: Int, padding: Int = 0, outputPadding: Int = 0) -> Tensor {
        convTranspose2d(weight: weight, bias: bias, stride: (stride, stride), padding: (padding, padding),
                        outputPadding: (outputPadding, outputPadding))
    }

    /// conv(self, W) over `g` (self [N, C, H, W] as `g` describes, W [O, C, kH, kW]): [N, O, OH, OW].
    func convolution(weight: Tensor, _ g: ConvGeometry) -> Tensor {
        precondition(rank == 4 && Array(shape[1...]) == [g.channels, g.height, g.width]
                     && weight.shape == [weight.shape[0], g.channels, g.kernelHeight, g.kernelWidth],
                     "convolution: input \(shape) and weight \(weight.shape) do not fit \(g)")
        let (n, o) = (shape[0], weight.shape[0])
        let out = ConvKernels.forward(storage.pointer, weight: weight.storage.pointer, outChannels: o, batch: n, g)
        let x = self
        return .result(out, shape: [n, o, g.outputHeight, g.outputWidth], op: "conv2d", inputs: [x, weight]) { gy, needs in
            let (dx, dw) = Tensor.pair(needs[0] ? { gy.convolutionAdjoint(weight: weight, g) } : nil,
                                       needs[1] ? { Tensor.convolutionWeightGradient(input: x, gradOutput: gy, g) } : nil)
            return [dx, dw]
        }
    }

    /// convᵀ(self, W) over `g`: self [N, O, OH, OW], W [O, C, kH, kW]; the image-shaped
    /// [N, C, H, W] adjoint of `convolution` (a transposed convolution whose weight is W).
    func convolutionAdjoint(weight: Tensor, _ g: ConvGeometry) -> Tensor {
        precondition(rank == 4 && weight.rank == 4 && shape[1] == weight.shape[0] && shape[2] == g.outputHeight
                     && shape[3] == g.outputWidth && Array(weight.shape[1...]) == [g.channels, g.kernelHeight, g.kernelWidth],
                     "convolutionAdjoint: input \(shape) and weight \(weight.shape) do not fit \(g)")
        let n = shape[0]
        let out = ConvKernels.inputGradient(storage.pointer, weight: weight.storage.pointer, outChannels: weight.shape[0],
                                            batch: n, g)
        let y = self
        return .result(out, shape: [n, g.channels, g.height, g.width], op: "convTranspose2d", inputs: [y, weight]) { gx, needs in
            let (dy, dw) = Tensor.pair(needs[0] ? { gx.convolution(weight: weight, g) } : nil,
                                       needs[1] ? { Tensor.convolutionWeightGradient(input: gx, gradOutput: y, g) } : nil)
            return [dy, dw]
        }
    }

    /// wgrad(x, gy) over `g`: the gradient [O, C, kH, kW] of ⟨gy, conv(x, W)⟩ with respect to W,
    /// for x [N, C, H, W] and gy [N, O, OH, OW].
    static func convolutionWeightGradient(input x: Tensor, gradOutput gy: Tensor, _ g: ConvGeometry) -> Tensor {
        precondition(x.rank == 4 && gy.rank == 4 && x.shape[0] == gy.shape[0] && Array(x.shape[1...]) == [g.channels, g.height, g.width]
                     && gy.shape[2] == g.outputHeight && gy.shape[3] == g.outputWidth,
                     "convolutionWeightGradient: input \(x.shape) and gradient \(gy.shape) do not fit \(g)")
        let o = gy.shape[1]
        let out = ConvKernels.weightGradient(x.storage.pointer, gy.storage.pointer, outChannels: o, batch: x.shape[0], g)
        return .result(out, shape: [o, g.channels, g.kernelHeight, g.kernelWidth], op: "convWeightGradient",
                       inputs: [x, gy]) { gw, needs in
            let (dx, dy) = Tensor.pair(needs[0] ? { gy.convolutionAdjoint(weight: gw, g) } : nil,
                                       needs[1] ? { x.convolution(weight: gw, g) } : nil)
            return [dx, dy]
        }
    }
}
