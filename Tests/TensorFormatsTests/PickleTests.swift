import TensorFormats
import XCTest

/// What the unpickler gained for PyTorch's files (CIFAR-10's pickles are tested in WGANDataTests).
final class PickleTests: XCTestCase {
    /// Consecutive pickles read one after another, each ending where the next starts.
    func testConsecutivePicklesAndWideIntegers() throws {
        let magic: [UInt8] = [0x80, 0x02, 0x8A, 0x0A, 0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19, 0x2E]
        let long4: [UInt8] = [0x8B, 0x02, 0, 0, 0, 0x00, 0x80, 0x2E]                          // LONG4 −32768
        let bytes = magic + long4
        let first = try Unpickler.load(bytes, from: 0, rules: .init())
        XCTAssertEqual(first.value, .largeInt(littleEndian: Array(magic[4..<14])))
        XCTAssertEqual(first.end, magic.count)
        let second = try Unpickler.load(bytes, from: first.end, rules: .init())
        XCTAssertEqual(second.value, .int(-32768))
        XCTAssertEqual(second.end, bytes.count)
        XCTAssertThrowsError(try Unpickler.load(bytes, from: bytes.count + 1, rules: .init()))
    }

    /// BINPERSID keeps the id as data; rules refuse globals by name and turn known calls into values.
    func testPersistentIdsAndRules() throws {
        let pickle: [UInt8] = [0x80, 0x02, 0x4B, 0x07, 0x51] + Array("cm\nf\n".utf8) + [0x29, 0x52, 0x86, 0x2E]  // (pid(7), m.f())
        XCTAssertEqual(try Unpickler.load(pickle), .tuple([.persistent(.int(7)), .call(.global(module: "m", name: "f"), arguments: [])]))
        let asDict = Unpickler.Rules(call: { callable, _ in callable == .global(module: "m", name: "f") ? .dict([]) : nil })
        XCTAssertEqual(try Unpickler.load(pickle, from: 0, rules: asDict).value, .tuple([.persistent(.int(7)), .dict([])]))
        let refuse = Unpickler.Rules(allowsGlobal: { module, _ in module != "m" })
        XCTAssertThrowsError(try Unpickler.load(pickle, from: 0, rules: refuse)) { error in
            XCTAssertEqual((error as? Unpickler.Failure)?.reason, "refused the global m.f: it is not one this reader allows, and nothing in a pickle is run")
        }
    }
}
