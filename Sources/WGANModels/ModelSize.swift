/// Sizes computed from settings a person chose, before anything is built: `nil` stands for a
/// number too large for an `Int`, so that a size check can refuse it instead of trapping.
public enum CheckedSize {
    /// The product of `factors`, or nil when it overflows an `Int` (or a factor is negative).
    public static func product(_ factors: Int...) -> Int? {
        var result = 1
        for factor in factors {
            guard factor >= 0 else { return nil }
            let (value, overflow) = result.multipliedReportingOverflow(by: factor)
            if overflow { return nil }
            result = value
        }
        return result
    }

    /// The sum of `terms`, or nil when a term is nil or the sum overflows.
    public static func sum(_ terms: Int?...) -> Int? {
        var result = 0
        for term in terms {
            guard let term else { return nil }
            let (value, overflow) = result.addingReportingOverflow(term)
            if overflow { return nil }
            result = value
        }
        return result
    }
}

/// A model's size before it is built: its parameter count and the floats one sample's forward
/// pass produces, each nil when it overflows.
public struct ModelSize: Sendable {
    public let parameters: Int?
    public let activationsPerSample: Int?

    public init(parameters: Int?, activationsPerSample: Int?) {
        self.parameters = parameters
        self.activationsPerSample = activationsPerSample
    }

    /// Floats a training step holds at most: each parameter with its gradient parts and Adam's two
    /// moments, and every model's activations for the batch, recorded several times over (real,
    /// fake and interpolates, the penalty's double backward).
    public static func trainingFloats(_ models: [ModelSize], batch: Int) -> Int? {
        var total: Int? = 0
        for model in models {
            total = CheckedSize.sum(total, model.parameters.flatMap { CheckedSize.product($0, 6) },
                                     model.activationsPerSample.flatMap { CheckedSize.product($0, batch, 24) })
        }
        return total
    }

    /// Floats sampling `count` images takes: the parameters, the activations of every sample, and
    /// the images written out.
    public func samplingFloats(count: Int, pixels: Int) -> Int? {
        CheckedSize.sum(parameters, activationsPerSample.flatMap { CheckedSize.product($0, count, 2) },
                         CheckedSize.product(count, pixels, 2))
    }
}
