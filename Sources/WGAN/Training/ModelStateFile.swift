import Foundation
import TensorFormats
import WGANFiles
import WGANEngine
import WGANModels
import WGANNN

/// A module's state dict as safetensors entries, with PyTorch's names and dtypes: F32 tensors,
/// and `num_batches_tracked` as an I64 scalar (shape []), so that
/// `model.load_state_dict(safetensors.torch.load_file(path))` accepts the file strictly.
public enum ModelStateFile {
    /// Adds `module`'s state dict to `file`, each name prefixed by `prefix` (empty for a model file).
    ///
    /// The tensors' entries read the module's storage in place rather than copies of it (see
    /// `SafeTensorsFloatSource`): write `file` before the module changes.
    static func add(_ module: Module, to file: inout SafeTensors, prefix: String = "") throws {
        for (name, value) in module.stateDict {
            switch value {
            case .tensor(let tensor):
                try file.set(prefix + name, floatsIn: tensor.storage, shape: tensor.shape)
            case .integer(let counter):
                try file.set(prefix + name, int64s: [counter.value], shape: [])
            }
        }
    }

    /// Which of a pair a model file holds.
    public enum Role: String, Sendable {
        case generator, critic
    }

    /// The `__metadata__` keys of a model file: its format, role and the `ModelSpec` (JSON) that
    /// rebuilds the model from the file alone.
    static let formatKey = "format", format = "wgan-model", roleKey = "role", specKey = "model"

    /// `module`'s state dict alone, as written to `generator.safetensors` and `critic.safetensors`,
    /// with its role and model in the metadata; like `add`, it refers to the module's tensors, so
    /// write it before the module changes.
    static func contents(of module: Module, role: Role, spec: ModelSpec) throws -> SafeTensors {
        var file = SafeTensors(metadata: [formatKey: format, roleKey: role.rawValue, specKey: spec.jsonString,
                                          "wgan_version": WGANVersion.current])
        try add(module, to: &file, prefix: "")
        return file
    }

    /// The model a model file was written for, from its metadata: nil for files written before
    /// checkpoints named their model (and for PyTorch's own files).
    ///
    /// - Throws: `TrainingError.checkpoint` when the file names a role other than `role`, or a
    ///   model that cannot be read.
    public static func spec(in file: SafeTensors, role: Role, path: String) throws(TrainingError) -> ModelSpec? {
        guard let json = file.metadata[specKey] else { return nil }
        if let written = file.metadata[roleKey], written != role.rawValue {
            throw .checkpoint(path: path, problem: "not a \(role.rawValue) checkpoint (it holds a \(written))")
        }
        guard let spec = ModelSpec(jsonString: json) else {
            throw .checkpoint(path: path, problem: "its metadata names no model this version knows ('\(json)')")
        }
        return spec
    }

    /// Loads the entries of `file` under `prefix` into `module` strictly: every entry present,
    /// with its shape and dtype, and none unknown.
    ///
    /// - Throws: `TrainingError.checkpoint` naming `path` and the entry at fault.
    public static func load(_ module: Module, from file: SafeTensors, prefix: String = "", path: String) throws(TrainingError) {
        var values: [String: LoadedValue] = [:]
        do {
            for entry in file.entries where entry.name.hasPrefix(prefix) {
                let name = String(entry.name.dropFirst(prefix.count))
                switch entry.dtype {
                case .f32:
                    values[name] = .floats(try file.floats(entry.name), shape: entry.shape)
                case .i64 where entry.elementCount == 1:
                    values[name] = .integer(try file.int64s(entry.name)[0])
                default:
                    throw TrainingError.checkpoint(
                        path: path, problem: "'\(entry.name)' is \(entry.dtype.rawValue) \(entry.shape); expected F32 (or an I64 counter)")
                }
            }
            try module.loadStateDict(values, strict: true)
        } catch let error as TrainingError {
            throw error
        } catch {
            throw .checkpoint(path: path, problem: prefix.isEmpty ? "\(error)" : "\(error) (under '\(prefix)')")
        }
    }

    /// Reads a safetensors file, reporting any problem as `TrainingError.checkpoint`.
    public static func read(_ url: URL) throws(TrainingError) -> SafeTensors {
        do {
            return try SafeTensors(contentsOf: url)
        } catch .inFile(_, let problem) {
            throw .checkpoint(path: url.path, problem: "\(problem)")
        } catch .cannotRead(_, let reason) {
            throw .checkpoint(path: url.path, problem: reason)
        } catch {
            throw .checkpoint(path: url.path, problem: "\(error)")
        }
    }

    /// Writes `files` as one set: every file is written and flushed beside its target first, and
    /// only then are they all put in place, so that a full disk or a failed write leaves the whole
    /// old set (a checkpoint's generator, critic and training state always belong to one step).
    public static func write(set files: [(file: SafeTensors, url: URL)]) throws(TrainingError) {
        var staged: [Files.StagedFile] = []
        for (file, url) in files {
            do {
                staged.append(try file.stage(to: url))
            } catch {
                staged.forEach { $0.discard() }
                throw .output(path: url.path, failure: error)
            }
        }
        do {
            try Files.commit(staged)
        } catch {
            throw .output(path: error.path, problem: error.reason)
        }
    }
}

/// Checkpoints write a tensor's elements from its storage in place. The storage is the engine's
/// own buffer, which changes only when an optimizer steps, and the trainer writes each file
/// between steps.
extension TensorStorage: SafeTensorsFloatSource {
    public func withUnsafeFloats<Result>(_ body: (UnsafeBufferPointer<Float>) throws -> Result) rethrows -> Result {
        try body(UnsafeBufferPointer(buffer))
    }
}
