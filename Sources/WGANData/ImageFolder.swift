import Dispatch
import Foundation
import WGANFiles
import WGANImage

/// A folder of PNG and JPEG files (searched recursively) as training images: each decoded once
/// (libpng, libjpeg-turbo), its central square resampled to `side`×`side` (`SquareResampler`),
/// and kept as bytes, C×H×W, in an `ImageDataset`. Files are decoded on all cores, each into its
/// own slot of the file list sorted by path, so the result does not depend on the thread count.
public enum ImageFolder {
    /// File name extensions read, compared case-insensitively.
    public static let extensions: Set<String> = ["png", "jpg", "jpeg"]

    /// How to read a folder.
    public struct Options: Sendable {
        /// The side of the square images made.
        public var side: Int
        /// 1 (grey) or 3 (RGB); nil: 3 if any file is in colour, otherwise 1.
        public var channels: Int?
        /// Stop at the first file that cannot be decoded, instead of skipping it.
        public var strict = false
        /// Where to keep a decoded copy of a large folder (`ImageCache`); nil: nowhere.
        public var cacheFolder: URL?
        /// The number of files from which a folder counts as large.
        public var cacheThreshold = 1000

        public init(side: Int, channels: Int? = nil) {
            self.side = side
            self.channels = channels
        }
    }

    /// A loaded folder: its images, the files skipped (relative path and reason, in path order),
    /// and where the images came from (`nil`: decoded now; else the cache file read).
    public struct Loaded: Sendable {
        public let dataset: ImageDataset
        public let skipped: [(path: String, reason: String)]
        public let cacheFile: URL?
        /// Whether the images were read back from `cacheFile` rather than decoded.
        public let fromCache: Bool
    }

    /// The image files under `directory`, as paths relative to it, sorted. A name that is not
    /// valid UTF-8 appears with U+FFFD for its odd bytes; `load` still reads it.
    ///
    /// - Throws: `DataError.directoryNotFound`.
    public static func files(in directory: URL) throws(DataError) -> [String] {
        try imageFiles(in: directory).map(\.shown)
    }

    /// An image file found in a folder: its path relative to the folder as the file system holds
    /// it, bytes that need not be UTF-8, and as text for messages.
    struct FoundFile {
        let bytes: [UInt8]
        var shown: String { String(decoding: bytes, as: UTF8.self) }
    }

    /// The image files under `directory`, in byte order (not the locale's: the same list, and so
    /// the same dataset, everywhere). Listed by `readdir` rather than `FileManager`, whose
    /// `String` names lose bytes that are not UTF-8 and then open nothing.
    static func imageFiles(in directory: URL) throws(DataError) -> [FoundFile] {
        guard isFolder(directory.path) else {
            throw .directoryNotFound(path: directory.path)
        }
        var found = [[UInt8]]()
        collect(under: Array(directory.path.utf8), relative: [], into: &found)
        return found.sorted { $0.lexicographicallyPrecedes($1) }.map(FoundFile.init)
    }

    /// Whether `path` is a folder or a link to one.
    private static func isFolder(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// Adds the image files in the folder `root`/`relative` and its subfolders (not following
    /// links to folders, as `FileManager`'s enumerator does not) to `found`, relative to `root`.
    private static func collect(under root: [UInt8], relative: [UInt8], into found: inout [[UInt8]]) {
        let slash = UInt8(ascii: "/"), dot = UInt8(ascii: ".")
        let folder = relative.isEmpty ? root : root + [slash] + relative
        guard let stream = opendir(folder.map { CChar(bitPattern: $0) } + [0]) else { return }
        defer { closedir(stream) }
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
            guard !name.isEmpty, name != [dot], name != [dot, dot] else { continue }
            let path = relative.isEmpty ? name : relative + [slash] + name
            var isFolder = Int32(entry.pointee.d_type) == Int32(DT_DIR)
            if Int32(entry.pointee.d_type) == Int32(DT_UNKNOWN) {
                var status = stat()
                isFolder = lstat((root + [slash] + path).map { CChar(bitPattern: $0) } + [0], &status) == 0
                    && status.st_mode & S_IFMT == S_IFDIR
            }
            if isFolder {
                collect(under: root, relative: path, into: &found)
                continue
            }
            guard name.first != dot, let extensionStart = name.lastIndex(of: dot),
                  extensions.contains(String(decoding: name[(extensionStart + 1)...], as: UTF8.self).lowercased())
            else { continue }
            found.append(path)
        }
    }

    /// The classes of a conditional run on a folder: one per first-level subfolder, sorted by
    /// name (in byte order, as the files are), and each file's class, nil for a file directly in
    /// the folder. `files` are paths relative to the folder, as `files(in:)` lists them.
    public static func subfolderClasses(of files: [String]) -> (names: [String], classes: [Int?]) {
        let folders = files.map { file in file.firstIndex(of: "/").map { String(file[..<$0]) } }
        let names = Set(folders.compactMap { $0 }).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        return (names, folders.map { $0.flatMap { index[$0] } })
    }

    /// Whether `directory` has no image files (or cannot be listed).
    public static func isEmpty(_ directory: URL) -> Bool { (try? files(in: directory))?.isEmpty ?? true }

    /// Loads `directory` as `options` say, reporting `(files done, files)` to `progress` (on
    /// one thread at a time) while decoding.
    ///
    /// - Throws: `DataError.noImages` for a folder without image files or where none decodes,
    ///   `DataError.undecodableImage` for the first bad file with `strict`.
    public static func load(directory: URL, options: Options,
                            progress: ((Int, Int) -> Void)? = nil) throws(DataError) -> Loaded {
        precondition(options.side >= 1 && options.channels.map { $0 == 1 || $0 == 3 } != false, "bad image folder options")
        let found = try imageFiles(in: directory)
        let files = found.map(\.shown)
        guard !files.isEmpty else {
            throw .noImages(directory: directory.path, detail: "no .png, .jpg or .jpeg files in it or its subfolders")
        }
        let cache = options.cacheFolder.flatMap { files.count >= options.cacheThreshold ? ImageCache(folder: $0) : nil }
        let key = cache.map { _ in ImageCache.key(directory: directory, files: files, options: options) }
        if let cache, let key, let cached = cache.read(key: key), !(options.strict && !cached.skipped.isEmpty) {
            return Loaded(dataset: cached.dataset, skipped: cached.skipped, cacheFile: cache.url(for: key), fromCache: true)
        }
        let loaded = try decode(found, in: directory, options: options, progress: progress)
        if let cache, let key { cache.write(loaded.dataset, skipped: loaded.skipped, key: key) }
        return Loaded(dataset: loaded.dataset, skipped: loaded.skipped, cacheFile: key.flatMap { cache?.url(for: $0) }, fromCache: false)
    }

    /// One file's outcome: its planes (3 channels unless 1 was asked for) and whether it was in colour.
    private enum Outcome {
        case image([UInt8], colour: Bool)
        case failed(String)
    }

    /// Slots the decoding threads write, each its own.
    private final class Slots: @unchecked Sendable {
        var outcomes: [Outcome?]
        let lock = NSLock()
        var done = 0
        init(_ count: Int) { outcomes = [Outcome?](repeating: nil, count: count) }
    }

    private static func decode(_ found: [FoundFile], in directory: URL, options: Options,
                               progress: ((Int, Int) -> Void)?) throws(DataError) -> (dataset: ImageDataset, skipped: [(path: String, reason: String)]) {
        let files = found.map(\.shown)
        let root = Array(directory.path.utf8) + [UInt8(ascii: "/")]
        let slots = Slots(files.count)
        let planeChannels = options.channels ?? 3
        let report = progress.map { report in UncheckedBox(report) }
        slots.outcomes.withUnsafeMutableBufferPointer { outcomes in
            let outcomes = UncheckedBox(outcomes)
            DispatchQueue.concurrentPerform(iterations: files.count) { i in
                let outcome: Outcome
                do {
                    let bitmap = try decodeFile(fileSystemPath: root + found[i].bytes,
                                                shownAs: directory.appendingPathComponent(files[i]).path)
                    outcome = .image(SquareResampler.planes(of: bitmap, side: options.side, channels: planeChannels),
                                     colour: bitmap.channels >= 3)
                } catch {
                    outcome = .failed(reason(error))
                }
                outcomes.value[i] = outcome
                slots.lock.lock()
                slots.done += 1
                report?.value(slots.done, files.count)
                slots.lock.unlock()
            }
        }
        var skipped = [(path: String, reason: String)]()
        var colour = false
        for (i, outcome) in slots.outcomes.enumerated() {
            switch outcome! {
            case .failed(let reason):
                if options.strict { throw .undecodableImage(path: directory.appendingPathComponent(files[i]).path, reason: reason) }
                skipped.append((files[i], reason))
            case .image(_, let isColour): colour = colour || isColour
            }
        }
        guard skipped.count < files.count else {
            throw .noImages(directory: directory.path, detail: "none of its \(files.count) image files could be decoded "
                            + "(\(skipped[0].path): \(skipped[0].reason))")
        }
        // Without --channels, a folder of grey files stays grey: their three planes are equal.
        let channels = options.channels ?? (colour ? 3 : 1)
        let perImage = channels * options.side * options.side
        var pixels = [UInt8]()
        pixels.reserveCapacity((files.count - skipped.count) * perImage)
        for case .image(let planes, _) in slots.outcomes.lazy.compactMap({ $0 }) { pixels += planes.prefix(perImage) }
        let count = files.count - skipped.count
        let dataset = ImageDataset(channels: channels, height: options.side, width: options.side, pixelBytes: pixels,
                                   labels: [UInt8](repeating: 0, count: count))
        return (dataset, skipped)
    }

    /// Why a file could not be decoded, without its path (the caller names the file).
    private static func reason(_ error: Error) -> String {
        switch error {
        case ImageError.decodingFailed(_, let reason): "not a readable PNG: \(reason)"
        case ImageError.jpegDecodingFailed(_, let reason): "not a readable JPEG: \(reason)"
        case ImageError.fileSystem(let failure): failure.description
        case ImageError.invalidInput(let message): message
        default: "\(error)"
        }
    }

    /// The file at `path` decoded by its contents' signature (PNG or JPEG), whatever its name says.
    static func decodeFile(fileSystemPath: [UInt8], shownAs path: String) throws -> Bitmap {
        let bytes = try Files.read(fileSystemPath: fileSystemPath, shownAs: path)
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return try PNGReader.decode(bytes, source: path) }
        if bytes.starts(with: [0xFF, 0xD8]) { return try JPEGReader.decode(bytes, source: path) }
        throw ImageError.invalidInput("neither a PNG nor a JPEG file (\(bytes.count) bytes)")
    }
}

/// A value passed into concurrent work where the caller guarantees that threads do not race
/// on it (distinct slots, or calls under a lock).
struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
