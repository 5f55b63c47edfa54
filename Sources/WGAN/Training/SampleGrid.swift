import Foundation
import WGANEngine
import WGANImage

/// Grids of generated images as torchvision's `save_image(images[:count], nrow=…, normalize=True)`
/// writes them: 2-pixel padding, the batch's min..max mapped to black..white.
public enum SampleGrid {
    /// Writes the first `count` images of `images` ([N, C, H, W]) to `url` as a PNG, atomically.
    public static func write(_ images: Tensor, count: Int, nrow: Int, to url: URL) throws(TrainingError) {
        precondition(images.rank == 4 && count >= 1 && count <= images.shape[0], "grid of \(count) from \(images.shape)")
        let perImage = images.count / images.shape[0]
        do {
            try saveImageGrid(images: Array(images.storage.buffer.prefix(count * perImage)), count: count,
                              channels: images.shape[1], height: images.shape[2], width: images.shape[3],
                              to: url.path, nrow: nrow, padding: 2, normalize: true)
        } catch {
            throw .output(path: url.path, failure: error)
        }
    }

    /// Images per grid row for `count` images: the smallest square that holds them (5 for 25).
    public static func rowLength(for count: Int) -> Int {
        var side = 1
        while side * side < count { side += 1 }
        return side
    }
}
