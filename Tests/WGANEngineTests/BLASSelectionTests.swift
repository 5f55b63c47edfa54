@testable import WGANEngine
import Foundation
import XCTest

final class BLASSelectionTests: XCTestCase {
    func testLoadsAndReportsAKernel() throws {
        try BLAS.load()
        XCTAssertFalse(BLAS.coreName.isEmpty)
        XCTAssertNotEqual(BLAS.coreName, "unavailable")
        XCTAssertTrue(["environment", "cpu", "library"].contains(BLAS.selection))
        XCTAssertTrue(BLAS.summary.hasPrefix("OpenBLAS \(BLAS.coreName)"))
    }

    /// A user's OPENBLAS_CORETYPE is respected; otherwise the CPU's best kernel is used.
    func testKernelFollowsTheUserOrTheCPU() throws {
        try BLAS.load()
        let user = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"]
        switch BLAS.selection {
        case "environment":
            XCTAssertNotNil(user)
        case "cpu":
            let best = try XCTUnwrap(BLAS.cpuBestCoreType)
            XCTAssertEqual(BLAS.coreName.lowercased(), best.lowercased())
        default:
            XCTAssertNil(BLAS.cpuBestCoreType, "a known CPU should have had its kernel chosen")
        }
    }

    /// OpenBLAS runs one thread per call; the engine splits large products itself. Split
    /// products, by columns and by rows, in every transpose form, equal the unsplit ones.
    func testSplitProductsEqualSingleThreadedOnes() throws {
        try BLAS.load()
        XCTAssertEqual(BLAS.threads, 1)
        let a = randomTensor([130, 70], seed: 3), b = randomTensor([70, 150], seed: 4)
        let tall = randomTensor([300, 70], seed: 5), narrow = randomTensor([70, 20], seed: 6)
        func products() -> [[Float]] {
            [a.matmul(b).scalars,
             a.transposed().matmul(b, transposeSelf: true).scalars,
             a.matmul(b.transposed(), transposeOther: true).scalars,
             a.transposed().matmul(b.transposed(), transposeSelf: true, transposeOther: true).scalars,
             tall.matmul(narrow).scalars,
             tall.transposed().matmul(narrow.transposed(), transposeSelf: true, transposeOther: true).scalars]
        }
        let single = products()
        let saved = Parallel.threads
        Parallel.threads = 2
        defer { Parallel.threads = saved }
        let split = products()
        for (s, p) in zip(single, split) { XCTAssertEqual(s, p) }
    }
}
