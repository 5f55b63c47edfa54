import Foundation
import TensorFormats
import WGANData
import WGANEngine
import WGANFiles

/// Where the FID Inception network's weights come from: the file people already have,
/// pytorch-fid's `pt_inception-2015-12-05-6726825d.pth`, read directly (or the same state dict
/// as a `.safetensors` file).
extension InceptionWeights {
    /// The weights file pytorch-fid publishes (its GitHub release `fid_weights`).
    public static let publishedFileName = "pt_inception-2015-12-05-6726825d.pth"
    /// The environment variable that names the weights file when `--inception` does not.
    public static let environmentVariable = "WGAN_INCEPTION"
    /// No state dict of this network comes near this; a larger file is refused before it is read.
    static let fileLimit = 1 << 30

    /// The weights file: `flag` (`--inception`), else `$WGAN_INCEPTION`; without either, the
    /// error says what to get and how to pass it.
    public static func locate(flag: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws(EvaluationError) -> URL {
        if let path = flag ?? environment[environmentVariable], !path.isEmpty { return URL(fileURLWithPath: path) }
        throw .invalid("colour images are scored by the FID Inception network, whose weights are not included: download "
                       + "\(publishedFileName) (pytorch-fid's release 'fid_weights' on GitHub) and pass --inception FILE, "
                       + "or set \(environmentVariable)=FILE")
    }

    /// The state dict in `url`: a `.safetensors` file, or a PyTorch `.pth`. A name of the form
    /// `…-<hex>.pth` (torch.hub's convention, as the published file's) has its SHA-256 checked
    /// against that prefix.
    public static func read(_ url: URL) throws(EvaluationError) -> InceptionWeights {
        let bytes: [UInt8]
        do {
            bytes = try Files.read(url.path, limit: fileLimit)
        } catch {
            throw .invalid("--inception: \(error.description)")
        }
        let digest = SHA256.hex(SHA256.hash(bytes))
        if let prefix = hashPrefix(in: url.lastPathComponent) {
            guard digest.hasPrefix(prefix) else {
                throw .invalid("--inception: \(url.path) is damaged or another file: its SHA-256 begins \(digest.prefix(prefix.count)), "
                               + "its name says \(prefix)")
            }
        }
        let file: SafeTensors
        switch url.pathExtension.lowercased() {
        case "safetensors":
            do {
                file = try SafeTensors(data: Data(bytes))
            } catch {
                throw .invalid("--inception: \(url.path): \(error)")
            }
        case "pth", "pt":
            do {
                file = try PyTorchFile.read(bytes: bytes)
            } catch {
                throw .invalid("--inception: \(url.path): \(error)")
            }
        default:
            throw .invalid("--inception: \(url.path) is neither a .pth nor a .safetensors file")
        }
        var tensors: [String: Tensor] = [:]
        do throws(SafeTensorsError) {
            // Floats only: `num_batches_tracked` (int64) plays no part in evaluation.
            for name in file.names where [.f32, .f64].contains(try file.dtype(of: name)) {
                tensors[name] = Tensor(try file.roundedFloats(name), shape: try file.shape(of: name))
            }
        } catch {
            throw .invalid("--inception: \(url.path): \(error)")
        }
        return InceptionWeights(tensors, digest: digest)
    }

    /// The hexadecimal digits after the last '-' of a `.pth` name (at least 8 of them), or nil.
    static func hashPrefix(in name: String) -> String? {
        guard name.hasSuffix(".pth"), let dash = name.lastIndex(of: "-") else { return nil }
        let digits = name[name.index(after: dash)...].dropLast(4)
        guard digits.count >= 8, digits.allSatisfy(\.isHexDigit) else { return nil }
        return digits.lowercased()
    }
}
