import Foundation
import WGAN
import WGANImage
import WGANModels

/// Small training data for any model of a catalogue, chosen by what its generator makes, so that a
/// test looping over `ModelCatalogue.builtIn.models` covers a new model the day it is added:
/// MNIST's first images for the models of grey 28×28 (or any size), a folder of colour PNGs at the
/// model's side for the others, 8 Gaussians for a model of points.
public enum ModelTestData {
    /// The width every model is tested at: small enough for a debug build.
    public static let width = 4

    /// The width `model` is tested at: `width`, or 16 for a DCGAN pair without normalisation, whose
    /// 0.02-deviation weights pass almost no signal through four layers of a few channels (at
    /// width 4 its samples for two seeds agreed to the last bit).
    public static func width(for model: any GANModel) -> Int {
        (model as? any ColourDCGANModel)?.layers.normalized == false ? 16 : width
    }
    public static let latentDimension = 8
    public static let batchSize = 8

    /// `wgan train`'s arguments that train `model` small on its data in `folder` (written there
    /// when the model needs an image folder).
    public static func arguments(for model: any GANModel, in folder: URL) throws -> [String] {
        var arguments = ["--model", model.name, "--dim", "\(width(for: model))", "--latent-dim", "\(latentDimension)",
                         "--batch-size", "\(batchSize)", "--seed", "3"]
        switch model.samples {
        case .points:
            arguments += ["--dataset", "8gaussians"]
        case .images(let side, let channels):
            if let side, side != 28 || !channels.contains(1) {
                arguments += ["--data-dir", try imageFolder(side: side, channels: channels.max() ?? 3, in: folder).path]
            } else {
                arguments += ["--limit", "32"]
            }
        }
        return arguments
    }

    /// The same settings as `TrainingOptions`.
    public static func options(for model: any GANModel, in folder: URL) throws -> TrainingOptions {
        var options = TrainingOptions()
        var words = try arguments(for: model, in: folder)[...]
        while let flag = words.popFirst(), let value = words.popFirst() {
            try options.set(String(flag.dropFirst(2)), argument: value)
        }
        return options
    }

    /// 16 `side`×`side` PNGs of coloured stripes in `folder/images-<side>`, made once per folder.
    public static func imageFolder(side: Int, channels: Int, in folder: URL) throws -> URL {
        let images = folder.appendingPathComponent("images-\(side)-\(channels)")
        if FileManager.default.fileExists(atPath: images.path) { return images }
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        for i in 0..<16 {
            let pixels = (0..<side * side).flatMap { p -> [UInt8] in
                let stripe = (p / side + i) % 4 < 2
                let colour: [UInt8] = stripe ? [UInt8(15 * i), 200, 30] : [10, UInt8(255 - 12 * i), 90]
                return Array(colour.prefix(channels))
            }
            let bitmap = try Bitmap(width: side, height: side, channels: channels, pixels: pixels)
            try Data(PNGWriter.encode(bitmap)).write(to: images.appendingPathComponent("image\(i).png"))
        }
        return images
    }
}
