import Foundation
import XCTest

/// `wgan train --dataset cifar10` on damaged CIFAR-10 folders: one line on stderr and status 1, never a crash.
final class CIFARTrainingTests: XCTestCase {
    /// 50,000 nested tuples in a 50 KB pickle used to overflow the stack while the value was freed (exit 139).
    func testDeeplyNestedPickleIsAOneLineError() throws {
        let folder = try temporaryFolder()
        let data = folder.appendingPathComponent("d")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let batch = data.appendingPathComponent("data_batch_1")
        try Data([0x80, 0x02, 0x4E] + [UInt8](repeating: 0x85, count: 50_000) + [0x2E]).write(to: batch)
        try assertOneLineError(["train", "--dataset", "cifar10", "--data-dir", data.path, "--max-steps", "1", "--out", "x"], in: folder,
                               "\(batch.path): not a readable pickle (nested deeper than 64 levels at byte 67)")
    }

    /// The training batches after a missing one are named, not dropped.
    func testGapInTheBatchesIsAOneLineError() throws {
        let folder = try temporaryFolder()
        let data = folder.appendingPathComponent("d")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let record = Data([UInt8](repeating: 0, count: 3073))
        for n in [1, 2, 4, 5] { try record.write(to: data.appendingPathComponent("data_batch_\(n).bin")) }
        try assertOneLineError(["train", "--dataset", "cifar10", "--data-dir", data.path, "--max-steps", "1", "--out", "x"], in: folder,
                               "\(data.path) lacks data_batch_3.bin but holds data_batch_4.bin, data_batch_5.bin after it")
    }
}
