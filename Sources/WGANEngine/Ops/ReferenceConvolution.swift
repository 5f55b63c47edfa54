extension Tensor {
    /// Ops kept for tests only, as references for the engine's fast kernels; production code never
    /// calls them. They are public so that the tests of other modules can use them too.
    ///
    /// The whole-matrix lowering of a convolution: `im2col` copies every (channel, kernel tap) of every
    /// output position into a column matrix, padding included, and `col2im` is its adjoint. The
    /// convolutions (`conv2d`, `convTranspose2d`) no longer use them — `ConvKernels` builds column
    /// matrices region by region without the padding — but a convolution is the product of its weight
    /// [O, C·kH·kW] with `im2col`'s matrix, which gives the region kernels a check written a second way.
    public enum Reference {
        /// The column matrix of an [N, C, H, W] batch for `geometry`: [C·kH·kW, N·OH·OW].
        /// Backward: `col2im`.
        public static func im2col(_ images: Tensor, _ geometry: ConvGeometry) -> Tensor {
            precondition(images.rank == 4 && Array(images.shape[1...]) == [geometry.channels, geometry.height, geometry.width],
                         "im2col: input \(images.shape) does not fit \(geometry)")
            let batch = images.shape[0]
            let out = Im2Col.im2col(images.storage.pointer, batch: batch, geometry)
            return .result(out, shape: [geometry.rows, batch * geometry.positions], op: "im2col", inputs: [images]) { g, _ in
                [col2im(g, geometry, batch: batch)]
            }
        }

        /// The adjoint of `im2col`: a [C·kH·kW, N·OH·OW] matrix summed back into [N, C, H, W].
        /// Backward: `im2col`.
        public static func col2im(_ columns: Tensor, _ geometry: ConvGeometry, batch: Int) -> Tensor {
            precondition(columns.shape == [geometry.rows, batch * geometry.positions],
                         "col2im: columns \(columns.shape) do not fit \(geometry), batch \(batch)")
            let out = Im2Col.col2im(columns.storage.pointer, batch: batch, geometry)
            return .result(out, shape: [batch, geometry.channels, geometry.height, geometry.width], op: "col2im",
                           inputs: [columns]) { g, _ in
                [im2col(g, geometry)]
            }
        }
    }
}
