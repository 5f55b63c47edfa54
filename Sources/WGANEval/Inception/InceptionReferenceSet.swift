import Foundation
import TensorFormats
import WGANData
import WGANEngine
import WGANFiles

/// The reference a colour evaluation compares with: a folder of images (CIFAR-10's files, or any
/// image folder), whose features are computed once and cached, or a `.npz` of `mu` and `sigma`
/// made elsewhere (pytorch-fid's `--save-stats`), which gives FID but not KID.
public enum InceptionReferenceSet {
    /// Where computed references are kept: `$XDG_CACHE_HOME/wgan`, else `~/.cache/wgan`.
    public static func defaultCacheFolder(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let base = environment["XDG_CACHE_HOME"], !base.isEmpty { return URL(fileURLWithPath: base).appendingPathComponent("wgan") }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/wgan")
    }

    /// The reference at `url` for samples `side` pixels square. A folder's features are read from
    /// `cacheFolder` when it holds them for these very images and weights, else computed and
    /// written there (as a `.npz` pytorch-fid reads too: `mu`, `sigma`, and `features` for KID);
    /// `warn` hears when that write fails.
    public static func reference(at url: URL, side: Int, network: InceptionNetwork, cacheFolder: URL?,
                                 warn: (String) -> Void = { _ in }) throws(EvaluationError) -> InceptionReference {
        if url.pathExtension.lowercased() == "npz" { return try statistics(in: url) }
        return try reference(of: images(in: url, side: side), network: network, cacheFolder: cacheFolder, warn: warn)
    }

    /// The reference of `images`, read from `cacheFolder` or computed and cached there.
    public static func reference(of images: ImageDataset, network: InceptionNetwork, cacheFolder: URL?,
                                 warn: (String) -> Void = { _ in }) throws(EvaluationError) -> InceptionReference {
        let side = images.width
        let cache = cacheFolder.map { $0.appendingPathComponent("inception-reference-\(key(images, side: side, network: network)).npz") }
        if let cache, Files.entry(at: cache.path) != nil, let cached = try? read(cache, features: true) { return cached }
        let reference = try network.reference(of: images)
        if let cache {
            do {
                try Files.createFolders(cache.deletingLastPathComponent().path)
                try NPZFile.write(arrays(reference), to: cache)
            } catch {
                warn("the reference's features were not cached: \(error)")
            }
        }
        return reference
    }

    /// The images of the folder at `url`: CIFAR-10's training batches where the folder holds them,
    /// else every image in it, made `side` pixels square (the samples' size, so that both sets
    /// reach the network's 299×299 through the same resize).
    public static func images(in url: URL, side: Int) throws(EvaluationError) -> ImageDataset {
        do throws(DataError) {
            do {
                return try CIFAR10.load(directory: url, split: .train)
            } catch .versionedFileNotFound {
                return try ImageFolder.load(directory: url, options: ImageFolder.Options(side: side, channels: 3)).dataset
            }
        } catch {
            throw .invalid("--reference: \(error)")
        }
    }

    /// Statistics made elsewhere: `mu` [D] and `sigma` [D, D], as pytorch-fid's `--save-stats` writes them.
    static func statistics(in url: URL) throws(EvaluationError) -> InceptionReference {
        try read(url, features: false)
    }

    private static func read(_ url: URL, features wanted: Bool) throws(EvaluationError) -> InceptionReference {
        do {
            let file = try NPZFile.read(contentsOf: url)
            let mean = try file.doubles("mu"), sigma = try file.doubles("sigma")
            guard mean.count == InceptionNetwork.featureCount, try file.shape(of: "sigma") == [mean.count, mean.count] else {
                throw EvaluationError.invalid("--reference: \(url.path) holds mu \(try file.shape(of: "mu")) and sigma \(try file.shape(of: "sigma")); "
                                              + "pool3 statistics are [2048] and [2048, 2048]")
            }
            let features = try wanted ? Tensor(file.roundedFloats("features"), shape: file.shape(of: "features")) : nil
            let count = features?.shape[0] ?? 0
            return InceptionReference(statistics: FeatureStatistics(mean: mean, covariance: SymmetricMatrix(size: mean.count, values: sigma),
                                                                    count: count), features: features)
        } catch let error as EvaluationError {
            throw error
        } catch {
            throw .invalid("--reference: \(error)")
        }
    }

    private static func arrays(_ reference: InceptionReference) throws -> SafeTensors {
        var arrays = SafeTensors()
        let d = reference.statistics.mean.count
        try arrays.set("mu", doubles: reference.statistics.mean, shape: [d])
        try arrays.set("sigma", doubles: reference.statistics.covariance.values, shape: [d, d])
        if let features = reference.features { try arrays.set("features", floats: features.scalars, shape: features.shape) }
        return arrays
    }

    /// What the cached features depend on: the images' pixels and size, and the weights.
    private static func key(_ images: ImageDataset, side: Int, network: InceptionNetwork) -> String {
        var hasher = SHA256()
        hasher.update(Array("\(network.weightsDigest ?? "unknown weights") \(images.channels)×\(images.height)×\(images.width) \(images.count)\n".utf8))
        images.pixelBytes.withUnsafeBytes { hasher.update($0) }
        return String(SHA256.hex(hasher.finalize()).prefix(24))
    }
}
