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

    func testThreadCountCanBeSet() throws {
        try BLAS.load()
        let before = BLAS.threads
        BLAS.threads = 1
        XCTAssertEqual(BLAS.threads, 1)
        BLAS.threads = before
    }
}
