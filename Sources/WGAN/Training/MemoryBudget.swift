import Foundation

/// Sizes a person chose (a batch, a latent size, an image count) are checked against the machine
/// before anything is allocated: a size whose product overflows, or whose memory the machine does
/// not have, is a one-line error rather than a trap or an allocation failure deep in the engine.
public enum MemoryBudget {
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

    /// The machine's physical memory in bytes.
    public static var machineBytes: Int {
        Int(sysconf(Int32(_SC_PHYS_PAGES))) * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Throws unless `floats` Float32 values (nil: more than an `Int` counts) fit in the
    /// machine's memory. `what` names the work ("training with --batch-size 64"), `remedy` the
    /// flags that reduce it.
    public static func require(floats: Int?, for what: String, remedy: String) throws(TrainingError) {
        let limit = machineBytes
        guard let floats, let bytes = product(floats, 4), bytes <= limit else {
            let need = floats.flatMap { product($0, 4) }.map { "about \(gigabytes($0))" } ?? "more memory than can be counted"
            throw .invalidSetting("\(what) would need \(need); this machine has \(gigabytes(limit)) (\(remedy))")
        }
    }

    private static func gigabytes(_ bytes: Int) -> String {
        let value = Double(bytes) / Double(1 << 30)
        return value >= 10 ? "\(Int(value.rounded())) GB" : String(format: "%.1f GB", value)
    }
}

/// A model's size before it is built: its parameter count and the floats one sample's forward
/// pass produces, each nil when it overflows.
public struct ModelSize: Sendable {
    public let parameters: Int?
    public let activationsPerSample: Int?

    /// Floats a training step holds at most: each parameter with its gradient parts and Adam's two
    /// moments, and every model's activations for the batch, recorded several times over (real,
    /// fake and interpolates, the penalty's double backward).
    public static func trainingFloats(_ models: [ModelSize], batch: Int) -> Int? {
        var total: Int? = 0
        for model in models {
            total = MemoryBudget.sum(total, model.parameters.flatMap { MemoryBudget.product($0, 6) },
                                     model.activationsPerSample.flatMap { MemoryBudget.product($0, batch, 24) })
        }
        return total
    }

    /// Floats sampling `count` images takes: the parameters, the activations of every sample, and
    /// the images written out.
    public func samplingFloats(count: Int, pixels: Int) -> Int? {
        MemoryBudget.sum(parameters, activationsPerSample.flatMap { MemoryBudget.product($0, count, 2) },
                         MemoryBudget.product(count, pixels, 2))
    }
}
