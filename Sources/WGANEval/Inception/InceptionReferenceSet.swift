import Foundation
import WGANData
import WGANEngine

/// The reference a colour evaluation compares with: a folder of images (CIFAR-10's files, or any
/// image folder), whose features are computed here, or a `.npz` of `mu` and `sigma` made
/// elsewhere (pytorch-fid's `--save-stats`), which gives FID but not KID.
public enum InceptionReferenceSet {
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
}
