/// 2-D convolutions (NCHW, PyTorch's semantics) as im2col/col2im plus one matrix product.
///
/// `im2col` and `col2im` are adjoint linear maps, so each is the other's derivative; the
/// product, reshapes and permutations are differentiable already. A convolution is therefore a
/// composition of differentiable ops and needs no backward of its own: its input gradient comes
/// out as Wᵀ·G followed by col2im (a transposed convolution), a transposed convolution's input
/// gradient as im2col followed by a product (a convolution), weight gradients as products, and
/// every one of them can be differentiated again (the gradient penalty's double backward).
extension Tensor {
    /// The column matrix of an [N, C, H, W] batch for `geometry`: [C·kH·kW, N·OH·OW].
    /// Backward: `col2im`.
    public func im2col(_ geometry: ConvGeometry) -> Tensor {
        precondition(rank == 4 && Array(shape[1...]) == [geometry.channels, geometry.height, geometry.width],
                     "im2col: input \(shape) does not fit \(geometry)")
        let batch = shape[0]
        let out = Im2Col.im2col(storage.pointer, batch: batch, geometry)
        return .result(out, shape: [geometry.rows, batch * geometry.positions], op: "im2col", inputs: [self]) { g, _ in
            [g.col2im(geometry, batch: batch)]
        }
    }

    /// The adjoint of `im2col`: a [C·kH·kW, N·OH·OW] matrix summed back into [N, C, H, W].
    /// Backward: `im2col`.
    public func col2im(_ geometry: ConvGeometry, batch: Int) -> Tensor {
        precondition(shape == [geometry.rows, batch * geometry.positions], "col2im: columns \(shape) do not fit \(geometry), batch \(batch)")
        let out = Im2Col.col2im(storage.pointer, batch: batch, geometry)
        return .result(out, shape: [batch, geometry.channels, geometry.height, geometry.width], op: "col2im", inputs: [self]) { g, _ in
            [g.im2col(geometry)]
        }
    }

    /// PyTorch's `conv2d`: self [N, C, H, W], weight [O, C, kH, kW], optional bias [O]; output
    /// [N, O, OH, OW] with OH = floor((H + 2·pH − kH)/sH) + 1. One product over the whole batch,
    /// W[O, C·kH·kW] · cols[C·kH·kW, N·OH·OW], then [O, N, ·] → [N, O, ·].
    public func conv2d(weight: Tensor, bias: Tensor? = nil, stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0)) -> Tensor {
        precondition(rank == 4 && weight.rank == 4 && weight.shape[1] == shape[1],
                     "conv2d: input \(shape) and weight \(weight.shape) do not fit ([N, C, H, W] and [O, C, kH, kW])")
        let (n, o) = (shape[0], weight.shape[0])
        let geometry = ConvGeometry(channels: shape[1], height: shape[2], width: shape[3],
                                    kernel: (weight.shape[2], weight.shape[3]), stride: stride, padding: padding)
        let product = weight.reshaped([o, geometry.rows]).matmul(im2col(geometry))
        let y = product.reshaped([o, n, geometry.positions]).permuted([1, 0, 2])
            .reshaped([n, o, geometry.outputHeight, geometry.outputWidth])
        return bias.map { y.addingChannelBias($0) } ?? y
    }

    /// `conv2d` with the same stride and padding on both axes.
    public func conv2d(weight: Tensor, bias: Tensor? = nil, stride: Int, padding: Int = 0) -> Tensor {
        conv2d(weight: weight, bias: bias, stride: (stride, stride), padding: (padding, padding))
    }

    /// PyTorch's `conv_transpose2d`: self [N, C, H, W], weight [C, O, kH, kW], optional bias [O];
    /// output [N, O, (H − 1)·sH − 2·pH + kH + opH, …]. It is the adjoint of `conv2d` with the same
    /// weight (the input gradient of a convolution): cols = W[C, O·kH·kW]ᵀ · x[C, N·H·W], then col2im.
    /// `outputPadding` (smaller than the stride) adds rows and columns at the bottom and right.
    public func convTranspose2d(
        weight: Tensor, bias: Tensor? = nil, stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0),
        outputPadding: (Int, Int) = (0, 0)
    ) -> Tensor {
        precondition(rank == 4 && weight.rank == 4 && weight.shape[0] == shape[1],
                     "convTranspose2d: input \(shape) and weight \(weight.shape) do not fit ([N, C, H, W] and [C, O, kH, kW])")
        precondition(outputPadding.0 >= 0 && outputPadding.1 >= 0 && outputPadding.0 < stride.0 && outputPadding.1 < stride.1,
                     "convTranspose2d: output padding \(outputPadding) must be smaller than the stride \(stride)")
        let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
        let (kh, kw) = (weight.shape[2], weight.shape[3])
        let outHeight = (h - 1) * stride.0 - 2 * padding.0 + kh + outputPadding.0
        let outWidth = (w - 1) * stride.1 - 2 * padding.1 + kw + outputPadding.1
        precondition(outHeight > 0 && outWidth > 0, "convTranspose2d: empty output \(outHeight)×\(outWidth)")
        let geometry = ConvGeometry(channels: weight.shape[1], height: outHeight, width: outWidth,
                                    kernel: (kh, kw), stride: stride, padding: padding)
        precondition(geometry.outputHeight == h && geometry.outputWidth == w, "convTranspose2d: inconsistent geometry \(geometry)")
        let x = reshaped([n, c, h * w]).permuted([1, 0, 2]).reshaped([c, n * h * w])
        let cols = weight.reshaped([c, geometry.rows]).matmul(x, transposeSelf: true)
        let y = cols.col2im(geometry, batch: n)
        return bias.map { y.addingChannelBias($0) } ?? y
    }

    /// `convTranspose2d` with the same stride, padding and output padding on both axes.
    public func convTranspose2d(weight: Tensor, bias: Tensor? = nil, stride: Int, padding: Int = 0, outputPadding: Int = 0) -> Tensor {
        convTranspose2d(weight: weight, bias: bias, stride: (stride, stride), padding: (padding, padding),
                        outputPadding: (outputPadding, outputPadding))
    }
}
