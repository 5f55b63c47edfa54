import Foundation
import WGANModels

/// Sizes a person chose (a batch, a latent size, an image count) are checked against the machine
/// before anything is allocated: a size whose product overflows, or whose memory the machine does
/// not have, is a one-line error rather than a trap or an allocation failure deep in the engine.
public enum MemoryBudget {
    /// The machine's physical memory in bytes.
    public static var machineBytes: Int {
        Int(sysconf(Int32(_SC_PHYS_PAGES))) * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Throws unless `floats` Float32 values (nil: more than an `Int` counts) fit in the
    /// machine's memory. `what` names the work ("training with --batch-size 64"), `remedy` the
    /// flags that reduce it.
    public static func require(floats: Int?, for what: String, remedy: String) throws(TrainingError) {
        let limit = machineBytes
        guard let floats, let bytes = CheckedSize.product(floats, 4), bytes <= limit else {
            let need = floats.flatMap { CheckedSize.product($0, 4) }.map { "about \(gigabytes($0))" } ?? "more memory than can be counted"
            throw .invalidSetting("\(what) would need \(need); this machine has \(gigabytes(limit)) (\(remedy))")
        }
    }

    private static func gigabytes(_ bytes: Int) -> String {
        let value = Double(bytes) / Double(1 << 30)
        return value >= 10 ? "\(Int(value.rounded())) GB" : String(format: "%.1f GB", value)
    }
}
