import Foundation

/// The datasets the trainer knows by name, and where each lives when no folder is given.
public enum DatasetName: String, Sendable, CaseIterable, CustomStringConvertible {
    /// Handwritten digits, shipped inside this package.
    case mnist
    /// Zalando's clothing images, from Debian's `dataset-fashion-mnist` package.
    case fashionMNIST = "fashion-mnist"
    /// Krizhevsky's CIFAR-10, binary or Python version, from `--data-dir` (not packaged by Debian).
    case cifar10
    /// A folder of PNG and JPEG files (`ImageFolder`), from `--data-dir`.
    case imageFolder = "images"

    /// Where Debian's `dataset-fashion-mnist` installs its files.
    public static let fashionMNISTSystemDirectory = URL(fileURLWithPath: "/usr/share/datasets/fashion-mnist")

    /// The name people know the dataset by.
    public var description: String {
        switch self {
        case .mnist: return "MNIST"
        case .fashionMNIST: return "Fashion-MNIST"
        case .cifar10: return "CIFAR-10"
        case .imageFolder: return "image folder"
        }
    }

    /// The folder the dataset is read from when the caller names none.
    ///
    /// - Throws: `DataError.datasetNotInstalled`, saying how to install it, when it is absent.
    public func defaultDirectory() throws(DataError) -> URL {
        switch self {
        case .mnist:
            guard let url = Bundle.module.url(forResource: "mnist", withExtension: nil) else {
                throw .datasetNotInstalled(dataset: description, directory: Bundle.module.bundlePath,
                                           remedy: "the package's mnist resource is missing; rebuild the package")
            }
            return url
        case .fashionMNIST:
            return try installedDirectory(Self.fashionMNISTSystemDirectory,
                                          remedy: "run `apt-get install dataset-fashion-mnist` or pass --data-dir")
        case .cifar10:
            throw .datasetNotInstalled(dataset: description, directory: "(no default folder)",
                                       remedy: "download cifar-10-binary.tar.gz or cifar-10-python.tar.gz from "
                                           + "https://www.cs.toronto.edu/~kriz/cifar.html, extract it and pass --data-dir")
        case .imageFolder:
            throw .datasetNotInstalled(dataset: description, directory: "(no default folder)",
                                       remedy: "pass --data-dir with a folder of PNG or JPEG files")
        }
    }

    /// Loads `split` from `directory`, or from `defaultDirectory()` when it is nil.
    public func load(_ split: ImageDataset.Split, from directory: URL? = nil) throws(DataError) -> ImageDataset {
        // Not `??`: its autoclosure would widen the thrown type to `any Error`.
        let folder: URL
        if let directory { folder = directory } else { folder = try defaultDirectory() }
        switch self {
        case .mnist, .fashionMNIST: return try ImageDataset.load(directory: folder, split: split)
        case .cifar10: return try CIFAR10.load(directory: folder, split: split)
        case .imageFolder:
            return try ImageFolder.load(directory: folder, options: ImageFolder.Options(side: 28)).dataset
        }
    }

    /// `directory` when it exists, otherwise the not-installed error with `remedy`.
    func installedDirectory(_ directory: URL, remedy: String) throws(DataError) -> URL {
        guard FileManager.default.fileExists(atPath: directory.path) else {
            throw .datasetNotInstalled(dataset: description, directory: directory.path, remedy: remedy)
        }
        return directory
    }
}
