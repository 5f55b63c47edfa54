import Foundation
import WGANFiles
import XCTest

/// Reads, atomic writes, folders and temporaries, each failure a plain sentence.
final class FilesTests: XCTestCase {
    private func temporaryFolder() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("WGANFilesTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url.path
    }

    private func thrown(_ body: () throws -> Void) -> FileError? {
        do { try body() } catch { return error as? FileError }
        return nil
    }

    func testWriteReplacesTheFileAndLeavesNoTemporary() throws {
        let folder = try temporaryFolder()
        let path = folder + "/a.bin"
        try Files.write([1, 2, 3], to: path)
        try Files.write([4, 5], to: path)
        XCTAssertEqual(try Files.read(path), [4, 5])
        XCTAssertEqual(Files.names(in: folder), ["a.bin"])
    }

    func testReadRefusesFoldersDevicesFIFOsAndLargeFilesInOneSentence() throws {
        let folder = try temporaryFolder()
        XCTAssertEqual(thrown { _ = try Files.read(folder) }?.description, "\(folder) is a folder, not a file")
        XCTAssertEqual(thrown { _ = try Files.read("/dev/zero") }?.description, "/dev/zero is not a regular file")
        XCTAssertEqual(mkfifo(folder + "/fifo", 0o644), 0)
        XCTAssertEqual(thrown { _ = try Files.read(folder + "/fifo") }?.description, "\(folder)/fifo is not a regular file")
        XCTAssertEqual(thrown { _ = try Files.read(folder + "/missing") }?.description,
                       "cannot read \(folder)/missing: No such file or directory")
        try Files.write([UInt8](repeating: 7, count: 10), to: folder + "/ten")
        XCTAssertEqual(thrown { _ = try Files.read(folder + "/ten", limit: 9) }?.description,
                       "\(folder)/ten is 10 bytes, more than the 9 accepted")
        XCTAssertEqual(try Files.read(folder + "/ten", limit: 10).count, 10)
    }

    /// `size` answers from the file's metadata, following a symbolic link as `read` does, and
    /// refuses what `read` refuses in the same sentences.
    func testSizeFollowsLinksAndRefusesWhatReadRefuses() throws {
        let folder = try temporaryFolder()
        XCTAssertEqual(FileManager.default.createFile(atPath: folder + "/sparse", contents: nil), true)
        XCTAssertEqual(truncate(folder + "/sparse", 1 << 30), 0)
        XCTAssertEqual(try Files.size(folder + "/sparse"), 1 << 30)
        try FileManager.default.createSymbolicLink(atPath: folder + "/link", withDestinationPath: folder + "/sparse")
        XCTAssertEqual(try Files.size(folder + "/link"), 1 << 30)
        XCTAssertEqual(thrown { _ = try Files.size(folder) }?.description, "\(folder) is a folder, not a file")
        XCTAssertEqual(mkfifo(folder + "/fifo", 0o644), 0)
        XCTAssertEqual(thrown { _ = try Files.size(folder + "/fifo") }?.description, "\(folder)/fifo is not a regular file")
        XCTAssertEqual(thrown { _ = try Files.size(folder + "/missing") }?.description,
                       "cannot read \(folder)/missing: No such file or directory")
    }

    func testWriteOverAFolderOrIntoAMissingFolderFailsAndChangesNothing() throws {
        let folder = try temporaryFolder()
        XCTAssertEqual(thrown { try Files.write([1], to: folder) }?.description, "\(folder) is a folder, not a file")
        XCTAssertEqual(thrown { try Files.write([1], to: folder + "/no/x") }?.description,
                       "cannot write \(folder)/no/x: No such file or directory")
        XCTAssertEqual(thrown { try Files.write([1], to: folder + "/") }?.description, "'\(folder)/' does not name a file")
        XCTAssertEqual(Files.names(in: folder), [])
    }

    func testCreateFoldersNamesTheFolderAndTheSystemsReason() throws {
        let folder = try temporaryFolder()
        try Files.createFolders(folder + "/a/b/c")
        XCTAssertEqual(Files.entry(at: folder + "/a/b/c"), .folder)
        try Files.write([1], to: folder + "/file")
        XCTAssertEqual(thrown { try Files.createFolders(folder + "/file/sub") }?.description,
                       "cannot create folder \(folder)/file/sub: \(folder)/file is a file, not a folder")
        let long = folder + "/" + String(repeating: "x", count: 300)
        XCTAssertEqual(thrown { try Files.createFolders(long) }?.description, "cannot create folder \(long): File name too long")
        XCTAssertEqual(try Files.createNewFolder(folder + "/new"), true)
        XCTAssertEqual(try Files.createNewFolder(folder + "/new"), false)
    }

    func testRemoveTemporariesRemovesOnlyAtomicWritesLeftovers() throws {
        let folder = try temporaryFolder()
        try Files.write([1], to: folder + "/.wgan-dead.partial")
        try Files.write([1], to: folder + "/keep.partial")
        XCTAssertEqual(Files.removeTemporaries(in: folder), [".wgan-dead.partial"])
        XCTAssertEqual(Files.names(in: folder), ["keep.partial"])
    }

    func testASecondLockIsRefusedWithTheHoldersPidUntilTheFirstIsReleased() throws {
        let path = try temporaryFolder() + "/lock"
        var first: FileLock? = try FileLock(path: path)
        XCTAssertNotNil(first)
        XCTAssertThrowsError(try FileLock(path: path)) { error in
            XCTAssertEqual((error as? FileLock.Held)?.holder, getpid())
            XCTAssertEqual("\(error)", "\(path) is locked by process \(getpid())")
        }
        first = nil
        XCTAssertNoThrow(try FileLock(path: path))
    }

    func testAppendingFileAddsToTheEnd() throws {
        let path = try temporaryFolder() + "/log"
        try Files.write(Array("a\n".utf8), to: path)
        try AppendingFile(path: path).append(Array("b\n".utf8))
        XCTAssertEqual(String(decoding: try Files.read(path), as: UTF8.self), "a\nb\n")
    }
}
